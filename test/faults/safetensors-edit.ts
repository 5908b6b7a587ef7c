import { readFileSync, writeFileSync } from "node:fs";

/**
 * Raw access to a safetensors file for corrupting it on purpose: the header as JSON, the data
 * section as bytes, and a writer that puts any header (however wrong) in front of any data.
 */
export interface SafetensorsParts {
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  data: Buffer;
}

export function readSafetensorsFile(path: string): SafetensorsParts {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")), data: Buffer.from(bytes.subarray(8 + n)) };
}

export function writeSafetensorsParts(path: string, parts: SafetensorsParts): void {
  const json = Buffer.from(JSON.stringify(parts.header), "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, parts.data]));
}

export type TensorEntry = { dtype: string; shape: number[]; data_offsets: [number, number] };

export function entry(parts: SafetensorsParts, name: string): TensorEntry {
  const e = parts.header[name] as TensorEntry | undefined;
  if (!e) throw new Error(`no tensor ${name}`);
  return e;
}

/** Append a new F32 tensor of the given values at the end of the data. */
export function appendTensor(parts: SafetensorsParts, name: string, shape: number[], value: number): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const bytes = Buffer.alloc(4 * n);
  for (let i = 0; i < n; i++) bytes.writeFloatLE(value, 4 * i);
  parts.header[name] = { dtype: "F32", shape, data_offsets: [parts.data.length, parts.data.length + bytes.length] };
  parts.data = Buffer.concat([parts.data, bytes]);
}

/** Insert `bytes` bytes of zeros at data offset `at`, moving every tensor that starts there or later. */
export function insertBytes(parts: SafetensorsParts, at: number, bytes: number): void {
  parts.data = Buffer.concat([parts.data.subarray(0, at), Buffer.alloc(bytes), parts.data.subarray(at)]);
  shiftFrom(parts, at, bytes);
}

/** Remove a tensor from the header and its bytes from the data, as a writer that never wrote it would. */
export function removeTensor(parts: SafetensorsParts, name: string): void {
  const [begin, end] = entry(parts, name).data_offsets;
  delete parts.header[name];
  parts.data = Buffer.concat([parts.data.subarray(0, begin), parts.data.subarray(end)]);
  shiftFrom(parts, end, begin - end);
}

function shiftFrom(parts: SafetensorsParts, at: number, by: number): void {
  for (const value of Object.values(parts.header)) {
    const e = value as Partial<TensorEntry>;
    if (e.data_offsets && e.data_offsets[0] >= at) e.data_offsets = [e.data_offsets[0] + by, e.data_offsets[1] + by];
  }
}
