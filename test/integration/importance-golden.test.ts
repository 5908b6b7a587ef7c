import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readMask } from "../../src/masks/mask.js";
import { DEFAULT_SYSTEM_PROMPT } from "../../src/importance/render.js";
import { runImportance } from "../../src/importance/run-importance.js";
import { runSelect } from "../../src/masks/run-select.js";
import { requireShared, sharedPath } from "../helpers/shared.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/importance");

/**
 * Must show 1: on stories260K (plain-text fallback: its tokenizer has no chat template),
 * bprof's top-n mask at k = 1e-2 over the mlp scope equals the one an independent float64
 * PyTorch computation (scripts/importance-reference.py) made from the very tokens bprof dumped.
 */
interface Golden {
  model_sha256: string;
  tokens_sha256: string;
  n_total: number;
  n: number;
  tensors: Record<string, number[]>;
}

const tmp = mkdtempSync(join(tmpdir(), "bprof-importance-golden-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!requireShared("importance golden on stories260K"))("importance golden (stories260K)", () => {
  it("mask at k = 1e-2 matches the PyTorch reference: Jaccard ≥ 0.99", async () => {
    const golden = JSON.parse(readFileSync(join(FIXTURES, "stories260K-contextual-recall-train-k1e-2.golden.json"), "utf8")) as Golden;
    const model = sharedPath("models/stories260K/stories260K.bin");
    expect(createHash("sha256").update(readFileSync(model)).digest("hex"), "the shared checkpoint changed").toBe(golden.model_sha256);

    const dumped = join(tmp, "tokens.jsonl");
    const manifest = await runImportance({
      model,
      ability: "contextual-recall",
      probesDir: join(FIXTURES, "probes"),
      split: "train",
      lossScope: "full",
      aggregate: "signed-sum",
      score: "taylor",
      batchSize: 8,
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      truncate: false,
      dumpTokens: dumped,
      out: join(tmp, "importance"),
      quiet: true,
    });
    expect(manifest.rendering.format).toBe("plain-text");
    // The same tokens as the reference saw (else the comparison below means nothing).
    expect(createHash("sha256").update(readFileSync(dumped)).digest("hex")).toBe(golden.tokens_sha256);
    expect(manifest.rendering.tokensHash).toBe(golden.tokens_sha256);
    expect(manifest.nTotal).toBe(golden.n_total);

    const [written] = runSelect({
      importance: join(tmp, "importance"),
      variant: "mlp",
      ks: [1e-2],
      method: "top",
      controls: [],
      out: join(tmp, "masks"),
    });
    const mask = readMask(written!.dir);
    expect(mask.recipe.n).toBe(golden.n);
    const ours = new Set(mask.tensors.flatMap((t) => [...t.indices].map((i) => `${t.name}:${i}`)));
    const theirs = new Set(Object.entries(golden.tensors).flatMap(([name, idx]) => idx.map((i) => `${name}:${i}`)));
    const both = [...ours].filter((e) => theirs.has(e)).length;
    const jaccard = both / (ours.size + theirs.size - both);
    console.log(`importance golden: Jaccard ${jaccard.toFixed(4)} (${both} shared of ${ours.size} / ${theirs.size})`);
    expect(jaccard).toBeGreaterThanOrEqual(0.99);
  });
});
