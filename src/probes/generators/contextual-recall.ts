import { pickOthers } from "../distractors.js";
import type { Rng } from "../../util/prng.js";
import { fill, withArticle } from "../text.js";
import { people } from "../vocab.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * A short passage of facts about people; the question asks for one of them, directly
 * (one hop) or through one or two relations ("Mia's friend", "the cousin of Mia's friend").
 * Every passage also states the same attribute for the other people, so the wrong options
 * are in the passage too and only following the chain gives the answer.
 */
type Attribute = "city" | "job" | "pet" | "color";

const VALUES: Record<Attribute, Record<EntityFamily, string[]>> = {
  city: {
    train: [
      "Oslo",
      "Lima",
      "Rome",
      "Cairo",
      "Paris",
      "Tokyo",
      "Dublin",
      "Madrid",
      "Vienna",
      "Berlin",
      "Boston",
      "Dallas",
      "Denver",
      "Leeds",
      "York",
      "Perth",
    ],
    heldout: ["Quito", "Hanoi", "Nairobi", "Porto", "Lagos", "Seoul", "Accra", "Riga"],
  },
  job: {
    train: [
      "baker",
      "teacher",
      "doctor",
      "nurse",
      "farmer",
      "pilot",
      "driver",
      "painter",
      "singer",
      "lawyer",
      "chef",
      "dentist",
      "engineer",
      "artist",
      "writer",
      "tailor",
    ],
    heldout: ["plumber", "jeweler", "florist", "butcher", "sailor", "librarian"],
  },
  pet: {
    train: ["cat", "dog", "rabbit", "parrot", "hamster", "goldfish", "turtle", "horse", "canary", "lizard"],
    heldout: ["ferret", "pony", "gecko", "frog"],
  },
  color: {
    train: ["red", "blue", "green", "yellow", "purple", "orange", "pink", "brown", "black", "white"],
    heldout: ["gray", "gold", "silver", "violet"],
  },
};

const RELATIONS = ["friend", "neighbor", "cousin", "boss", "teacher", "roommate"];

const SENTENCE: Record<Attribute, string> = {
  city: "{p} lives in {v}.",
  job: "{p} works as {av}.",
  pet: "{p} has a pet {v}.",
  color: "{p}'s favorite color is {v}.",
};

type Triple = [string, string, string];

function sentence(fact: Triple): string {
  const [p, relation, v] = fact;
  if (relation in SENTENCE) return fill(SENTENCE[relation as Attribute], { p, v, av: withArticle(v) });
  return `${p}'s ${relation} is ${v}.`;
}

/** A passage for a chain start → r1 → ... → target, where the question asks target's `attribute`. */
function chainItem(rng: Rng, family: EntityFamily, attribute: Attribute, hops: number, question: string): ProbeDraft {
  const cast = rng.sample(people(family), Math.max(3, hops + 2)).map((p) => p.name);
  const chain = cast.slice(0, hops + 1);
  const values = rng.sample(VALUES[attribute][family], cast.length + 1);
  const relations = rng.sample(RELATIONS, hops);
  const facts: Triple[] = [];
  relations.forEach((r, i) => facts.push([chain[i] as string, r, chain[i + 1] as string]));
  cast.forEach((name, i) => facts.push([name, attribute, values[i] as string]));
  const fillerAttribute = rng.pick((["city", "job", "pet", "color"] as Attribute[]).filter((a) => a !== attribute));
  const fillerPerson = rng.pick(cast);
  facts.push([fillerPerson, fillerAttribute, rng.pick(VALUES[fillerAttribute][family])]);

  const target = chain[hops] as string;
  const answer = values[cast.indexOf(target)] as string;
  // Wrong options: the other people's values from the passage, then one from outside it.
  const inPassage = values.slice(0, cast.length).filter((v) => v !== answer);
  const distractors = [...rng.sample(inPassage, 2), values[cast.length] as string];
  const path = [...relations, attribute];
  return {
    context: rng.shuffle(facts).map(sentence).join(" "),
    question: fill(question, { p: chain[0] as string, r1: relations[0] ?? "", r2: relations[1] ?? "" }),
    answer,
    distractors,
    meta: { facts, ask: { from: chain[0], path } },
  };
}

/** "Who lives in Oslo?": the answer is the one person the passage gives that value. */
function whoItem(rng: Rng, family: EntityFamily, attribute: Attribute, question: string): ProbeDraft {
  const all = rng.sample(people(family), 4).map((p) => p.name);
  const cast = all.slice(0, 3);
  const values = rng.sample(VALUES[attribute][family], 3);
  const facts: Triple[] = cast.map((name, i) => [name, attribute, values[i] as string]);
  const otherAttribute = rng.pick((["city", "job", "pet", "color"] as Attribute[]).filter((a) => a !== attribute));
  const otherValues = rng.sample(VALUES[otherAttribute][family], 2);
  facts.push([cast[1] as string, otherAttribute, otherValues[0] as string], [cast[2] as string, otherAttribute, otherValues[1] as string]);
  const index = rng.int(0, 2);
  const value = values[index] as string;
  return {
    context: rng.shuffle(facts).map(sentence).join(" "),
    question: fill(question, { v: value, av: withArticle(value) }),
    answer: cast[index] as string,
    distractors: pickOthers(rng, all, [cast[index] as string]),
    meta: { facts, ask: { who: [attribute, value] } },
  };
}

const chain = (id: string, attribute: Attribute, hops: number, question: string, heldOut = false): ProbeTemplate => ({
  id,
  heldOut,
  make: (rng, family) => chainItem(rng, family, attribute, hops, question),
});

const who = (id: string, attribute: Attribute, question: string, heldOut = false): ProbeTemplate => ({
  id,
  heldOut,
  make: (rng, family) => whoItem(rng, family, attribute, question),
});

export const contextualRecall: ProbeGenerator = {
  ability: "contextual-recall",
  heldOutEntities: "held-out names (Greta, Bruno, ...) and held-out cities, jobs, pets and colors",
  templates: [
    chain("city", "city", 0, "Where does {p} live?"),
    chain("job", "job", 0, "What is {p}'s job?"),
    chain("pet", "pet", 0, "What pet does {p} have?"),
    chain("color", "color", 0, "What is {p}'s favorite color?"),
    who("who-city", "city", "Who lives in {v}?"),
    chain("hop-city", "city", 1, "Where does {p}'s {r1} live?"),
    chain("hop-job", "job", 1, "What does {p}'s {r1} work as?"),
    chain("hop-pet", "pet", 1, "What pet does {p}'s {r1} have?"),
    chain("hop2-city", "city", 2, "Where does the {r2} of {p}'s {r1} live?"),
    chain("hop2-job", "job", 2, "What is the job of the {r2} of {p}'s {r1}?"),
    chain("hop-color-held", "color", 1, "Which color does {p}'s {r1} like best?", true),
    who("who-job-held", "job", "Which person works as {av}?", true),
  ],
};
