import { BprofError } from "../../errors.js";

/**
 * The data section of a safetensors file must be laid out as the reference implementation
 * (safetensors' Rust crate) requires: the tensors' byte ranges, in order of their start, tile
 * the section from byte 0 to its end, with no gap and no byte shared. A header whose ranges
 * overlap (o_proj reading q_proj's bytes) would otherwise load into a model that silently
 * computes something else; a gap or trailing bytes mean the header and the data disagree.
 */
export interface DataRange {
  name: string;
  begin: number;
  end: number;
}

export function checkDataLayout(ranges: DataRange[], dataBytes: number, file: string): void {
  for (const r of ranges) {
    if (r.end > dataBytes) {
      throw new BprofError(`truncated safetensors file: tensor ends at data byte ${r.end} but the file holds ${dataBytes} data bytes`, {
        file,
        field: r.name,
      });
    }
  }
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: DataRange | undefined;
  for (const r of sorted) {
    if (r.begin < expected) {
      throw new BprofError(
        `data_offsets [${r.begin}, ${r.end}] overlap those of '${previous!.name}' [${previous!.begin}, ${previous!.end}]: ` +
          "two tensors would share bytes (corrupt or hand-edited header)",
        { file, field: r.name },
      );
    }
    if (r.begin > expected) {
      throw new BprofError(
        `data_offsets [${r.begin}, ${r.end}] leave bytes ${expected}–${r.begin} of the data section unused ` +
          `(${previous ? `after '${previous.name}'` : "at its start"}): the header does not describe this file's data`,
        { file, field: r.name },
      );
    }
    expected = r.end;
    previous = r;
  }
  if (expected !== dataBytes) {
    throw new BprofError(
      `the tensors cover ${expected} data bytes but the file holds ${dataBytes}: the header does not describe this file's data`,
      { file },
    );
  }
}
