import { BprofError } from "../errors.js";
import { MissingFieldError } from "./template.js";
import type { DocSource } from "./items.js";

/** A problem with one row, thrown by adapters; BadRows adds the file and line. */
export class RowProblem extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface SkippedRow {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

/**
 * What to do with a row that cannot be read: by default stop with file:line:field (a
 * silently shorter benchmark would change its score); with skipBadRows, skip it and
 * count it so the results say how many rows were dropped.
 */
export class BadRows {
  readonly skipped: SkippedRow[] = [];

  constructor(readonly skip: boolean) {}

  /** Parse one row; returns undefined for a skipped bad row. */
  row<T>(where: DocSource, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (err) {
      if (err instanceof RowProblem || err instanceof MissingFieldError) {
        this.report(new BprofError(err.message, { file: where.file, line: where.line, field: joinField(where.field, err.field) }));
        return undefined;
      }
      throw err;
    }
  }

  /** A bad row found outside row(): thrown, or recorded when skipping. */
  report(error: BprofError): void {
    if (!this.skip) throw error;
    this.skipped.push({ file: error.file ?? "", line: error.line, field: error.field, message: error.message });
  }
}

function joinField(outer: string | undefined, inner: string | undefined): string | undefined {
  if (outer && inner) return `${outer}.${inner}`;
  return outer ?? inner;
}
