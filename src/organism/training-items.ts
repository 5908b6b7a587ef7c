import { FACT_RELATIONS } from "../probes/generators/knowledge-recall.js";
import type { EntityFamily, ProbeGenerator, ProbeTemplate } from "../probes/generators/types.js";
import { Rng } from "../util/prng.js";
import { probeContentKey, type ProbeItem } from "../probes/schema.js";
import { factSplit } from "./declarative-corpus.js";

/**
 * Instruction items for training the organism, drawn from the probe generators with the
 * organism's own seed (its Rng stream is named `organism:<seed>:<ability>`, which the probe
 * splits' `<seed>:<ability>` streams never are). Every template is used, held-out ones
 * included, and a share of items comes from the held-out entity family: the organism is
 * meant to have the abilities, not to be tested for generalization to unseen templates.
 * Items equal by content (probeContentKey) to an item in `exclude` (the committed dev and
 * test splits) are dropped and redrawn, as are repeats. Knowledge-recall items are kept
 * only for facts in the "qa" half (see declarative-corpus.ts). A small item pool may give
 * fewer than `count` items.
 */

/** Share of non-family-agnostic draws made from the held-out entity family. */
const HELD_OUT_FAMILY_SHARE = 0.15;

export interface TrainingItemsResult {
  items: ProbeItem[];
  /** Draws dropped because they equal a committed dev/test item. */
  collisions: number;
}

export function generateTrainingItems(
  generator: ProbeGenerator,
  seed: number,
  count: number,
  exclude: ReadonlySet<string>,
): TrainingItemsResult {
  const rng = new Rng(`organism:${seed}:${generator.ability}`);
  const seen = new Set<string>();
  const items: ProbeItem[] = [];
  let collisions = 0;
  let attempts = 0;
  while (items.length < count) {
    // A generator over a small pool (knowledge recall's half of the facts) runs out of new
    // items before `count`; it then gives what it has.
    if (++attempts > count * 20) break;
    const draw = drawTrainingItem(generator, rng, exclude, `${generator.ability}-organism-${items.length + 1}`, seen);
    if (draw === "collision") collisions++;
    if (typeof draw === "string") continue;
    seen.add(probeContentKey(draw));
    items.push(draw);
  }
  return { items, collisions };
}

/**
 * One training item drawn with `rng`: "collision" when it equals a committed dev/test item,
 * "repeat" when its content key is in `seen`, "skipped" when it is a knowledge-recall item
 * about a prose-only fact (all are redrawn). The options are shuffled only for an item kept,
 * so the Rng stream (and the organism's tokenizer corpus) is that of the original loop.
 */
export function drawTrainingItem(
  generator: ProbeGenerator,
  rng: Rng,
  exclude: ReadonlySet<string>,
  id: string,
  seen: ReadonlySet<string> = new Set(),
): ProbeItem | "collision" | "repeat" | "skipped" {
  const template = pickWeighted(rng, generator.templates);
  const family: EntityFamily =
    generator.heldOutEntities !== null && !template.familyAgnostic && rng.chance(HELD_OUT_FAMILY_SHARE) ? "heldout" : "train";
  const draft = template.make(rng, family);
  const key = probeContentKey(draft);
  if (exclude.has(key)) return "collision";
  if (seen.has(key)) return "repeat";
  if (generator.ability === "knowledge-recall" && knowledgeSplitOf(draft.meta) !== "qa") return "skipped";
  const options = rng.shuffle([draft.answer, ...draft.distractors]);
  return {
    id,
    ability: generator.ability,
    ...(draft.context !== undefined ? { context: draft.context } : {}),
    question: draft.question,
    options,
    answer: draft.answer,
  };
}

function pickWeighted(rng: Rng, templates: readonly ProbeTemplate[]): ProbeTemplate {
  const total = templates.reduce((sum, t) => sum + (t.weight ?? 1), 0);
  let r = rng.float() * total;
  for (const t of templates) {
    r -= t.weight ?? 1;
    if (r < 0) return t;
  }
  return templates[templates.length - 1]!;
}

const subjectOfObject = new Map(FACT_RELATIONS.map((r) => [r.id, new Map(r.facts.map((f) => [f.object, f.subject]))]));

/** Which half of the facts a knowledge-recall draft asks about (forward items name the subject, reverse ones the object). */
export function knowledgeSplitOf(meta: Record<string, unknown>): "qa" | "prose-only" {
  const relation = String(meta.relation);
  const subject = typeof meta.subject === "string" ? meta.subject : subjectOfObject.get(relation)?.get(String(meta.object));
  if (subject === undefined) throw new Error(`knowledge-recall draft without a known fact: ${JSON.stringify(meta)}`);
  return factSplit(relation, subject);
}
