import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BprofError } from "../../errors.js";
import { parseWithSchema } from "../../util/schema.js";
import { checkDataLayout } from "./safetensors-layout.js";
import { FLOAT_DTYPE_BYTES, isFloatDtype, numelOf, type RawTensor, type TensorSource } from "./raw-tensor.js";

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`, then
 * the data, offsets counted from the end of the header. Files are only ever read.
 */

const HeaderEntrySchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
type HeaderEntry = z.infer<typeof HeaderEntrySchema>;

/** Bytes per element of every safetensors dtype, to validate offsets even of tensors we cannot load. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

const MAX_HEADER_BYTES = 100_000_000;

interface OpenedFile {
  path: string;
  dataStart: number;
  entries: Map<string, HeaderEntry>;
}

/** Read and validate a safetensors header; the data stays on disk. */
function readHeader(path: string): OpenedFile {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw new BprofError(`cannot open safetensors file: ${(err as Error).message}`, { file: path });
  }
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize < 8) throw new BprofError(`truncated safetensors file: ${fileSize} bytes, no header length`, { file: path });
    const lengthBytes = Buffer.alloc(8);
    readSync(fd, lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength > MAX_HEADER_BYTES) {
      throw new BprofError(`safetensors header length ${headerLength} is implausible (corrupt file?)`, { file: path });
    }
    if (8 + headerLength > fileSize) {
      throw new BprofError(
        `truncated safetensors file: header says ${headerLength} bytes of JSON but the file has ${fileSize - 8} after the length`,
        { file: path },
      );
    }
    const headerBytes = Buffer.alloc(headerLength);
    readSync(fd, headerBytes, 0, headerLength, 8);
    let json: unknown;
    try {
      json = JSON.parse(headerBytes.toString("utf8"));
    } catch (err) {
      throw new BprofError(`invalid safetensors header JSON: ${(err as Error).message}`, { file: path });
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new BprofError("invalid safetensors header JSON: not an object", { file: path });
    }
    const dataStart = 8 + headerLength;
    const dataSize = fileSize - dataStart;
    const entries = new Map<string, HeaderEntry>();
    for (const [name, value] of Object.entries(json)) {
      if (name === "__metadata__") continue;
      const entry = parseWithSchema(HeaderEntrySchema, value, { file: path, field: name });
      const {
        dtype,
        shape,
        data_offsets: [begin, end],
      } = entry;
      const itemBytes = DTYPE_BYTES[dtype];
      if (itemBytes === undefined) throw new BprofError(`unknown safetensors dtype '${dtype}'`, { file: path, field: name });
      if (end < begin || end - begin !== numelOf(shape) * itemBytes) {
        throw new BprofError(`data_offsets [${begin}, ${end}] do not match shape [${shape.join(", ")}] of ${dtype}`, {
          file: path,
          field: name,
        });
      }
      entries.set(name, entry);
    }
    checkDataLayout(
      [...entries].map(([name, e]) => ({ name, begin: e.data_offsets[0], end: e.data_offsets[1] })),
      dataSize,
      path,
    );
    return { path, dataStart, entries };
  } finally {
    closeSync(fd);
  }
}

function readEntry(file: OpenedFile, name: string): RawTensor {
  const entry = file.entries.get(name);
  if (!entry) throw new BprofError(`tensor '${name}' is missing`, { file: file.path, field: name });
  if (!isFloatDtype(entry.dtype)) {
    throw new BprofError(`unsupported dtype ${entry.dtype} (supported: F32, BF16, F16)`, { file: file.path, field: name });
  }
  const [begin, end] = entry.data_offsets;
  const data = new Uint8Array(end - begin);
  const fd = openSync(file.path, "r");
  try {
    let done = 0;
    while (done < data.length) {
      const n = readSync(fd, data, done, data.length - done, file.dataStart + begin + done);
      if (n === 0) throw new BprofError(`truncated safetensors file while reading '${name}'`, { file: file.path, field: name });
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return { dtype: entry.dtype, shape: [...entry.shape], data };
}

function sourceOf(path: string, files: OpenedFile[], fileOf: Map<string, OpenedFile>): TensorSource {
  return {
    path,
    names: () => [...fileOf.keys()],
    describe: (name) => {
      const file = fileOf.get(name);
      const entry = file?.entries.get(name);
      return file && entry ? { dtype: entry.dtype, shape: [...entry.shape], file: file.path } : undefined;
    },
    read: (name) => {
      const file = fileOf.get(name);
      if (!file) throw new BprofError(`tensor '${name}' is missing`, { file: files.length === 1 ? files[0]!.path : path, field: name });
      return readEntry(file, name);
    },
  };
}

/** One safetensors file. */
export function openSafetensorsFile(path: string): TensorSource {
  const file = readHeader(path);
  const fileOf = new Map([...file.entries.keys()].map((name) => [name, file]));
  return sourceOf(path, [file], fileOf);
}

export const SAFETENSORS_FILE = "model.safetensors";
export const SAFETENSORS_INDEX_FILE = "model.safetensors.index.json";

const IndexSchema = z.object({ weight_map: z.record(z.string(), z.string()) });

/** A model directory: `model.safetensors`, or shards listed in `model.safetensors.index.json`. */
export function openSafetensorsDir(dir: string): TensorSource {
  const indexPath = join(dir, SAFETENSORS_INDEX_FILE);
  if (!existsSync(indexPath)) {
    const single = join(dir, SAFETENSORS_FILE);
    if (!existsSync(single)) {
      throw new BprofError(`no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX_FILE} in the model directory`, { file: dir });
    }
    return openSafetensorsFile(single);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(indexPath, "utf8"));
  } catch (err) {
    throw new BprofError(`invalid JSON: ${(err as Error).message}`, { file: indexPath });
  }
  const index = parseWithSchema(IndexSchema, raw, { file: indexPath });
  const shards = new Map<string, OpenedFile>();
  const fileOf = new Map<string, OpenedFile>();
  for (const [name, shardName] of Object.entries(index.weight_map)) {
    let shard = shards.get(shardName);
    if (!shard) {
      shard = readHeader(join(dir, shardName));
      shards.set(shardName, shard);
    }
    if (!shard.entries.has(name)) {
      throw new BprofError(`the index maps '${name}' to ${shardName}, which does not contain it`, { file: indexPath, field: name });
    }
    fileOf.set(name, shard);
  }
  return sourceOf(dir, [...shards.values()], fileOf);
}

/** Serialize tensors into one safetensors file (header padded to 8 bytes, as the reference writer does). */
export function encodeSafetensors(tensors: Map<string, RawTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const expected = numelOf(t.shape) * FLOAT_DTYPE_BYTES[t.dtype];
    if (t.data.length !== expected) throw new Error(`tensor ${name}: ${t.data.length} bytes for shape [${t.shape}] ${t.dtype}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}
