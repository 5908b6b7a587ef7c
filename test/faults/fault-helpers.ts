import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { readSafetensorsFile } from "./safetensors-edit.js";

/**
 * What the fault-injection suite shares: running the CLI (from any working directory, with
 * extra environment), listing a folder's files to prove nothing was added or changed, and
 * the assertions every refused input must meet: exit code 1, one `bprof: error:` line in
 * bprof's words (no stack trace), the location the test expects, nothing written.
 */
export const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");
/** tsx's loader by absolute URL, so the CLI runs from any working directory. */
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function bprofAt(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, ["--import", TSX, MAIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function bprof(...args: string[]): CliResult {
  return bprofAt(ROOT, args);
}

/** A CLI run with a preloaded module (fault injection): `preload` is an absolute path. */
export function spawnBprofWith(preload: string | null, args: string[], env: Record<string, string> = {}): ChildProcess {
  const flags = ["--import", TSX, ...(preload ? ["--import", preload] : [])];
  return spawn(process.execPath, [...flags, MAIN, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
}

export function runBprofWith(
  preload: string | null,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult & { signal: NodeJS.Signals | null; pid: number }> {
  return new Promise((done) => {
    const child = spawnBprofWith(preload, args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code, signal) => done({ code, signal, stdout, stderr, pid: child.pid! }));
  });
}

/** Refused: exit 1, one error line in bprof's words matching `message`, no stack trace. */
export function expectRefused(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^bprof: error: /m);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr.split("\n").filter((l) => l.startsWith("bprof: error:"))).toHaveLength(1);
}

/** Every file under a folder with its size and modification time: equal snapshots mean nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out[relative(dir, p) + "/"] = "dir";
        visit(p);
      } else {
        const s = statSync(p);
        out[relative(dir, p)] = `${s.size}:${s.mtimeMs}`;
      }
    }
  };
  visit(dir);
  return out;
}

/** Files under a folder whose names a writer uses for unfinished work. */
export function strayFiles(dir: string): string[] {
  return Object.keys(snapshot(dir)).filter((p) => /\.tmp$|\.partial-|\.stale-|\.bprof-lock/.test(p));
}

/** A copy of the shipped organism (a Hugging Face directory with tokenizer and chat template). */
export function copyOrganism(to: string): string {
  cpSync(join(ROOT, "models/organism"), to, { recursive: true });
  return to;
}

/** A copy of a committed tiny test model (config.json + model.safetensors, no tokenizer). */
export function copyFixtureModel(name: string, to: string): string {
  cpSync(join(ROOT, "test/fixtures/models", name), to, { recursive: true });
  return to;
}

/** A generic-adapter multiple-choice spec over a JSONL data file written next to it. */
export function writeMcSpec(dir: string, name: string, rows: (object | string)[], extraLines: string[] = []): string {
  mkdirSync(dir, { recursive: true });
  const data = join(dir, `${name}.jsonl`);
  writeFileSync(data, rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
  const spec = join(dir, `${name}.yaml`);
  writeFileSync(
    spec,
    [
      `name: ${name}`,
      "task: multiple_choice",
      "adapter: generic",
      `data: ${name}.jsonl`,
      "template:",
      '  id: "{{id}}"',
      '  query: "{{q}}"',
      "  choices: options",
      '  gold: "{{a}}"',
      "metrics: [acc]",
      ...extraLines,
      "",
    ].join("\n"),
  );
  return spec;
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

export { readSafetensorsFile };

export { writeByteTokenizer, writeTinyCheckpoint } from "../integration/profile-fixture.js";

/**
 * Float offsets in the fixture's llama2.c checkpoint (profile-fixture.ts: dim 16, hidden 32,
 * 2 layers, vocab 259): the token embedding starts at float 0, layer 1's down_proj at 7792.
 */
export const TINY_FLOATS = { embed: 0, layer1Down: 7792 } as const;

/** Overwrite floats of a llama2.c checkpoint (after its 28-byte header). */
export function pokeFloats(path: string, at: number, values: number[]): void {
  const bytes = readFileSync(path);
  values.forEach((v, i) => bytes.writeFloatLE(v, 28 + 4 * (at + i)));
  writeFileSync(path, bytes);
}
