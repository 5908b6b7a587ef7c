import { CAUSES, GOALS } from "../facts/causes.js";
import type { Rng } from "../../util/prng.js";
import { capitalize, fill } from "../text.js";
import { people, type Person } from "../vocab.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Everyday causes and effects (what happens next, what caused this) and means to goals
 * (what should someone do, why would someone do it). Every seventh cause and goal is held
 * out: only held-out test items use them.
 */
const inFamily = <T>(rows: T[], family: EntityFamily) => rows.filter((_, i) => (i % 7 === 6) === (family === "heldout"));

const say = (text: string, person: Person) => fill(text, { p: person.name, his: person.his, he: person.he });

type Ask = "effect" | "cause";
function causalItem(rng: Rng, family: EntityFamily, ask: Ask, question: string, inline: boolean): ProbeDraft {
  const person = rng.pick(people(family));
  const entries = inFamily(CAUSES, family);
  const entry = rng.pick(entries);
  // Wrong options come from other topics, so none of them is a second right answer.
  const others = rng.sample(
    CAUSES.filter((c) => c.topic !== entry.topic),
    3,
  );
  const shown = say(ask === "effect" ? entry.cause : entry.effect, person);
  const pick = (e: (typeof CAUSES)[number]) => say(ask === "effect" ? e.effect : e.cause, person);
  const premise = `${capitalize(shown)}.`;
  return {
    ...(inline ? {} : { context: premise }),
    question: inline ? `${premise} ${question}` : question,
    answer: pick(entry),
    distractors: others.map(pick),
    meta: { cause: entry.cause, effect: entry.effect, name: person.name, ask },
  };
}

function goalItem(rng: Rng, family: EntityFamily, ask: "action" | "goal"): ProbeDraft {
  const person = rng.pick(people(family));
  const entry = rng.pick(inFamily(GOALS, family));
  const others = rng.sample(
    GOALS.filter((g) => g !== entry),
    3,
  );
  if (ask === "action") {
    return {
      question: `${person.name} wants to ${say(entry.goal, person)}. What should ${person.he} do?`,
      answer: say(entry.action, person),
      distractors: others.map((g) => say(g.action, person)),
      meta: { goal: entry.goal, action: entry.action, name: person.name, ask },
    };
  }
  return {
    question: `Why would ${person.name} ${say(entry.action, person)}?`,
    answer: `to ${say(entry.goal, person)}`,
    distractors: others.map((g) => `to ${say(g.goal, person)}`),
    meta: { goal: entry.goal, action: entry.action, name: person.name, ask },
  };
}

const t = (id: string, make: ProbeTemplate["make"], heldOut = false): ProbeTemplate => ({ id, make, heldOut });

export const commonsenseCausal: ProbeGenerator = {
  ability: "commonsense-causal",
  heldOutEntities: "held-out names and every seventh cause and goal",
  templates: [
    t("effect-next", (rng, f) => causalItem(rng, f, "effect", "What most likely happened next?", false)),
    t("effect-result", (rng, f) => causalItem(rng, f, "effect", "What is the most likely result?", false)),
    t("effect-inline", (rng, f) => causalItem(rng, f, "effect", "What happened because of this?", true)),
    t("cause-why", (rng, f) => causalItem(rng, f, "cause", "What is the most likely cause?", false)),
    t("cause-explain", (rng, f) => causalItem(rng, f, "cause", "Which of these best explains why?", false)),
    t("cause-inline", (rng, f) => causalItem(rng, f, "cause", "What most likely caused this?", true)),
    t("goal-action", (rng, f) => goalItem(rng, f, "action")),
    t("goal-reason", (rng, f) => goalItem(rng, f, "goal")),
    t("effect-held", (rng, f) => causalItem(rng, f, "effect", "Which of these probably followed?", true), true),
    t("cause-held", (rng, f) => causalItem(rng, f, "cause", "What probably happened before that?", false), true),
  ],
};
