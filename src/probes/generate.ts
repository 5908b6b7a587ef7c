import { join } from "node:path";
import { sha256Hex } from "../util/hash.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { GENERATORS } from "./generators/index.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./generators/types.js";
import { type ProbeManifest, PROBE_SPLITS, probeContentKey, type ProbeItem, type ProbeSplit } from "./schema.js";
import { Rng } from "../util/prng.js";

export const DEFAULT_PROBE_SEED = 1234;
export const SPLIT_SIZES: Record<ProbeSplit, number> = { train: 2000, dev: 200, test: 500 };
/** Share of the test split built from held-out templates or entities. */
export const HELD_OUT_TEST_SHARE = 0.25;

export type ProbeSplits = Record<ProbeSplit, ProbeItem[]>;

/**
 * Generate one ability's three splits. Items are unique by content across all splits
 * (no leakage), the gold position is exactly balanced within each split, and a quarter of
 * the test split is held out: half from templates train never uses, half from the
 * generator's held-out entity family (all of it from templates when there is none).
 */
export function generateAbilitySplits(generator: ProbeGenerator, seed: number, sizes = SPLIT_SIZES): ProbeSplits {
  const rng = new Rng(`${seed}:${generator.ability}`);
  const seen = new Set<string>();
  const inDistribution = generator.templates.filter((t) => !t.heldOut);
  const heldOutTemplates = generator.templates.filter((t) => t.heldOut);
  if (inDistribution.length === 0 || heldOutTemplates.length === 0) {
    throw new Error(`${generator.ability}: needs both in-distribution and held-out templates`);
  }

  const draw = (templates: ProbeTemplate[], family: EntityFamily, heldOutBy?: string): ProbeDraft => {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const template = pickWeighted(rng, templates);
      const draft = template.make(rng, family);
      checkDraft(generator.ability, template.id, draft);
      const key = probeContentKey(draft);
      if (seen.has(key)) continue;
      seen.add(key);
      const held = heldOutBy ? { heldOut: true, heldOutBy } : {};
      return { ...draft, meta: { template: template.id, ...held, ...draft.meta } };
    }
    throw new Error(`${generator.ability}: cannot find a new unique item after 10000 attempts`);
  };
  const drawMany = (n: number, make: (i: number) => ProbeDraft) => Array.from({ length: n }, (_, i) => make(i));

  const train = drawMany(sizes.train, () => draw(inDistribution, "train"));
  const dev = drawMany(sizes.dev, () => draw(inDistribution, "train"));
  const heldOutCount = Math.round(sizes.test * HELD_OUT_TEST_SHARE);
  const testInDistribution = drawMany(sizes.test - heldOutCount, () => draw(inDistribution, "train"));
  const testHeldOut = drawMany(heldOutCount, (i) =>
    generator.heldOutEntities !== null && i % 2 === 1
      ? draw(
          inDistribution.filter((t) => !t.familyAgnostic),
          "heldout",
          "entities",
        )
      : draw(heldOutTemplates, "train", "template"),
  );
  const test = rng.shuffle([...testInDistribution, ...testHeldOut]);

  const drafts: Record<ProbeSplit, ProbeDraft[]> = { train, dev, test };
  const splits = {} as ProbeSplits;
  for (const split of PROBE_SPLITS) splits[split] = finalize(rng, generator.ability, split, drafts[split]);
  return splits;
}

function pickWeighted(rng: Rng, templates: ProbeTemplate[]): ProbeTemplate {
  const total = templates.reduce((sum, t) => sum + (t.weight ?? 1), 0);
  let r = rng.float() * total;
  for (const t of templates) {
    r -= t.weight ?? 1;
    if (r < 0) return t;
  }
  return templates[templates.length - 1] as ProbeTemplate;
}

function checkDraft(ability: string, templateId: string, draft: ProbeDraft): void {
  const options = [draft.answer, ...draft.distractors];
  const problem =
    draft.distractors.length !== 3
      ? `${draft.distractors.length} distractors`
      : new Set(options).size !== 4
        ? `options not distinct: ${options.join(" | ")}`
        : options.some((o) => o.trim() === "")
          ? "empty option"
          : null;
  if (problem) throw new Error(`${ability}/${templateId}: ${problem} (question: ${draft.question})`);
}

/** Assign ids and gold positions: each position 0..3 exactly n/4 times, in shuffled order. */
function finalize(rng: Rng, ability: string, split: ProbeSplit, drafts: ProbeDraft[]): ProbeItem[] {
  const positions = rng.shuffle(drafts.map((_, i) => i % 4));
  return drafts.map((draft, i) => {
    const options = rng.shuffle(draft.distractors);
    options.splice(positions[i] as number, 0, draft.answer);
    const id = `${ability}-${split}-${String(i + 1).padStart(4, "0")}`;
    const context = draft.context !== undefined ? { context: draft.context } : {};
    return { id, ability, ...context, question: draft.question, options, answer: draft.answer, meta: draft.meta };
  });
}

export function formatProbeJsonl(items: readonly ProbeItem[]): string {
  return items.map((item) => JSON.stringify(item)).join("\n") + "\n";
}

/** Every file of a full generation (relative path → content), manifest included. */
export function generateProbeFiles(
  seed: number = DEFAULT_PROBE_SEED,
  generators: readonly ProbeGenerator[] = GENERATORS,
  onProgress: (message: string) => void = () => {},
): Map<string, string> {
  const files = new Map<string, string>();
  const manifest: ProbeManifest = { seed, heldOutTestShare: HELD_OUT_TEST_SHARE, abilities: {} };
  for (const generator of generators) {
    const splits = generateAbilitySplits(generator, seed);
    const entry: ProbeManifest["abilities"][string] = {} as ProbeManifest["abilities"][string];
    for (const split of PROBE_SPLITS) {
      const path = `${generator.ability}/${split}.jsonl`;
      const content = formatProbeJsonl(splits[split]);
      files.set(path, content);
      entry[split] = { file: path, items: splits[split].length, sha256: sha256Hex(content) };
    }
    manifest.abilities[generator.ability] = entry;
    onProgress(`generated ${generator.ability}: ${PROBE_SPLITS.map((s) => `${s} ${splits[s].length}`).join(", ")}`);
  }
  files.set("manifest.json", JSON.stringify(manifest, null, 2) + "\n");
  return files;
}

/** Generate everything in memory first, then write, so a failure leaves no partial set. */
export function writeProbeFiles(outDir: string, files: Map<string, string>): void {
  for (const [path, content] of files) writeFileAtomic(join(outDir, path), content);
}
