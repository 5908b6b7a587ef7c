import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { BprofError } from "../../errors.js";
import { plainValue } from "./plain-value.js";

/**
 * Parquet files as the Hugging Face Hub stores datasets (snappy by default; zstd, gzip and
 * brotli through hyparquet-compressors), read into one plain object per row: struct columns
 * become objects, list columns arrays, int64 numbers (see plain-value.ts).
 *
 * hyparquet decodes asynchronously only, while the benchmark adapters read their files
 * synchronously (so that a benchmark is prepared, and every bad input reported, before a
 * model loads). The file is therefore decoded in a worker thread that the caller waits for
 * with Atomics.wait; the rows come back by structured clone.
 */
export function readParquetRows(path: string): Record<string, unknown>[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new BprofError(`cannot read data file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file: path });
  }
  const reply = decodeInWorker(bytes);
  if ("error" in reply) throw new BprofError(`not a readable Parquet file (${reply.error})`, { file: path });
  return reply.rows.map((row) => plainValue(row) as Record<string, unknown>);
}

type WorkerReply = { rows: Record<string, unknown>[] } | { error: string };

const require = createRequire(import.meta.url);

/** Runs in the worker: decode the bytes, post the rows (or the error), then wake the caller. */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { bytes, done, port, hyparquet, compressors } = workerData;
(async () => {
  try {
    const { parquetReadObjects } = await import(hyparquet);
    const codecs = (await import(compressors)).compressors;
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    port.postMessage({ rows: await parquetReadObjects({ file, compressors: codecs }) });
  } catch (err) {
    port.postMessage({ error: err && err.message ? err.message : String(err) });
  } finally {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
})();
`;

function decodeInWorker(bytes: Buffer): WorkerReply {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      bytes,
      done,
      port: port2,
      hyparquet: pathToFileURL(require.resolve("hyparquet")).href,
      compressors: pathToFileURL(require.resolve("hyparquet-compressors")).href,
    },
    transferList: [port2],
  });
  try {
    Atomics.wait(done, 0, 0);
    const received = receiveMessageOnPort(port1);
    if (!received) return { error: "the Parquet reader stopped without an answer" };
    return received.message as WorkerReply;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
