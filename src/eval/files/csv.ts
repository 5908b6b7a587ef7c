import { BprofError } from "../../errors.js";
import { readDataText } from "./text.js";

export interface CsvRecord {
  /** 1-based line on which the record starts (quoted fields may span lines). */
  line: number;
  fields: string[];
}

/**
 * Parse RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines (MMLU's
 * history questions span many lines). A missing final newline is fine; an unterminated
 * quote is a BprofError at the line where the field began.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let fieldStarted = false;

  const endField = () => {
    fields.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      quoteLine = line;
      fieldStarted = true;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new BprofError("unterminated quoted field", { file, line: quoteLine });
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}

export function readCsv(path: string): CsvRecord[] {
  return parseCsv(readDataText(path), path);
}
