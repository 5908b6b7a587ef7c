import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tensor, noGrad } from "../../src/engine/index.js";
import { evaluateBenchmark, type MultipleChoiceSample } from "../../src/eval/evaluate.js";
import { ModelScoringLM } from "../../src/eval/model-lm.js";
import { shippedBenchmarksDir } from "../../src/eval/shipped-specs.js";
import { loadModel, type LoadedModel } from "../../src/model/load.js";
import { requireShared, sharedPath } from "../helpers/shared.js";

const ROOT = resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "bprof-eval-it-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bprof(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!requireShared("evaluation on stories260K"))("evaluation with a real model (stories260K)", () => {
  const modelPath = sharedPath("models/stories260K/stories260K.bin");
  const arcData = sharedPath("benchmarks/arc/ARC-Easy-Test.head100.jsonl");
  let loaded: LoadedModel;
  let lm: ModelScoringLM;

  beforeAll(async () => {
    loaded = await loadModel(modelPath);
    lm = new ModelScoringLM(loaded.model, loaded.tokenizer);
  });
  afterAll(() => loaded?.dispose());

  it("a continuation's log-likelihood equals minus the model's summed cross-entropy", async () => {
    const continuation = lm.encode("Once upon a time, there was a little girl named Lily.");
    const [result] = await lm.loglikelihood([{ context: [lm.bosId!], continuation }]);
    const ids = [lm.bosId!, ...continuation];
    const meanLoss = noGrad(() => loaded.model.loss(Tensor.fromInt64(ids, [1, ids.length])).item());
    expect(result!.logprob).toBeCloseTo(-meanLoss * continuation.length, 3);
    expect(result!.isGreedy).toBe(true); // the model's own greedy story from BOS
  });

  for (const [spec, data] of [
    ["arc_easy.yaml", arcData],
    ["samples/story_words.yaml", undefined],
  ] as const) {
    it(`${spec}: shared-context scoring equals per-choice scoring within 1e-4 and reads fewer tokens`, async () => {
      const path = join(shippedBenchmarksDir(), spec);
      const shared = await evaluateBenchmark(lm, path, { dataOverride: data, limit: 20, sharedContext: true });
      const naive = await evaluateBenchmark(lm, path, { dataOverride: data, limit: 20, sharedContext: false });
      let maxDiff = 0;
      shared.samples.forEach((s, i) => {
        const a = s as MultipleChoiceSample;
        const b = naive.samples[i] as MultipleChoiceSample;
        a.loglik.forEach((ll, c) => (maxDiff = Math.max(maxDiff, Math.abs(ll - b.loglik[c]!))));
      });
      expect(maxDiff).toBeLessThan(1e-4);
      expect(shared.results.scoring_paths.shared).toBe(20);
      expect(shared.results.tokens_fed).toBeLessThan(naive.results.tokens_fed);
      console.log(
        `${spec}: max |Δ loglik| ${maxDiff.toExponential(2)}; tokens fed shared ${shared.results.tokens_fed} vs per-choice ${naive.results.tokens_fed}`,
      );
    });
  }

  it("greedy generation from BOS tells the model's story and stops at a stop string", async () => {
    const text = await lm.generate([lm.bosId!], { maxNewTokens: 40, stop: ["."] });
    expect(text).toBe("Once upon a time, there was a little girl named Lily.");
  });

  it("bprof eval on an ARC sample runs end to end and writes the per-item log", () => {
    const out = join(tmp, "arc");
    const r = bprof("eval", "--model", modelPath, "--benchmark", "arc_easy", "--data", arcData, "--limit", "12", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^arc_easy: acc 0\.\d{4} ± 0\.\d{4}, acc_norm 0\.\d{4} ± 0\.\d{4} \(n=12, chance 0\.25\d*\)/);
    expect(r.stderr).toMatch(/eval arc_easy: 12 items in \d+s/);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results).toMatchObject({ benchmark: "arc_easy", n: 12, available: 100, primary_metric: "acc", model: modelPath });
    const lines = readFileSync(join(out, "samples.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatchObject({ id: "Mercury_417466", gold: 0, path: "shared" });
    expect(lines[0].loglik).toHaveLength(4);
    for (const line of lines) expect(line.correct).toBe(line.pred === line.gold);
  });

  it("bprof eval stops on bad data before loading the model, naming file:line, and writes nothing", () => {
    const bad = join(tmp, "bad.jsonl");
    writeFileSync(bad, readFileSync(arcData, "utf8").split("\n").slice(0, 2).join("\n") + "\n{not json\n");
    const out = join(tmp, "bad-out");
    const r = bprof("eval", "--model", modelPath, "--benchmark", "arc_easy", "--data", bad, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bprof: error: ${bad}:3: malformed JSON`);
    expect(existsSync(out)).toBe(false);
    const skipped = bprof("eval", "--model", modelPath, "--benchmark", "arc_easy", "--data", bad, "--skip-bad-rows", "--out", out);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/skipped 1 bad rows/);
    expect(JSON.parse(readFileSync(join(out, "results.json"), "utf8"))).toMatchObject({ n: 2, skipped_rows: 1 });
  });
});

describe("bprof benchmarks list|validate", () => {
  it("lists the shipped specs with their items or 'data missing'", () => {
    const r = bprof("benchmarks", "list");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/samples\/story_words\.yaml\s+sample_story_words\s+multiple_choice\s+generic\s+36/);
    expect(r.stdout).toMatch(/gsm8k\.yaml\s+gsm8k\s+generate_until\s+gsm8k\s+(data missing|\d+)/);
  });

  it("validates every shipped spec, and fails with the spec's line on a bad one", () => {
    expect(bprof("benchmarks", "validate").code).toBe(0);
    const spec = join(tmp, "bad.yaml");
    writeFileSync(spec, "name: bad\ntask: multiple_choice\nadapter: nope\ndata: x.jsonl\nmetrics: [acc]\n");
    const r = bprof("benchmarks", "validate", spec);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${spec}:3: field 'adapter': unknown adapter 'nope'`);
  });
});
