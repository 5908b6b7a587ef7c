import type { Rng } from "../../util/prng.js";

/**
 * Which pool of entities (names, objects, number ranges, reserved facts) a template draws
 * from. "heldout" entities never appear in train, dev or the in-distribution test items.
 */
export type EntityFamily = "train" | "heldout";

/** One item before options are shuffled and the gold position is assigned. */
export interface ProbeDraft {
  context?: string;
  question: string;
  answer: string;
  /** Exactly three wrong options of the same type as the answer. */
  distractors: string[];
  /** The structured facts the item was built from: enough to recompute the answer. */
  meta: Record<string, unknown>;
}

export interface ProbeTemplate {
  id: string;
  /** Held-out templates appear only in the held-out part of the test split. */
  heldOut?: boolean;
  /** Relative draw frequency (default 1); templates over larger fact pools get more draws. */
  weight?: number;
  /** True when the template uses no entity family (e.g. days of the week), so it cannot make held-out entity items. */
  familyAgnostic?: boolean;
  make(rng: Rng, family: EntityFamily): ProbeDraft;
}

export interface ProbeGenerator {
  ability: string;
  templates: ProbeTemplate[];
  /** What the held-out entity family is, or null when held-out items differ by template only. */
  heldOutEntities: string | null;
}
