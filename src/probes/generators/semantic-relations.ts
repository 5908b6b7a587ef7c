import { pickOthers } from "../distractors.js";
import type { Rng } from "../../util/prng.js";
import { capitalize, fill, withArticle } from "../text.js";
import { men, people, women, type Person } from "../vocab.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Roles and relations between entities: who did what to whom (active and passive voice,
 * giving), kinship composed over two statements, part–whole and kind-of relations.
 */

// past tense | past participle
const VERBS: [string, string][] = [
  ["thanked", "thanked"],
  ["helped", "helped"],
  ["called", "called"],
  ["visited", "visited"],
  ["praised", "praised"],
  ["warned", "warned"],
  ["pushed", "pushed"],
  ["followed", "followed"],
  ["greeted", "greeted"],
  ["invited", "invited"],
  ["hugged", "hugged"],
  ["blamed", "blamed"],
  ["paid", "paid"],
  ["taught", "taught"],
  ["chased", "chased"],
  ["rescued", "rescued"],
  ["interviewed", "interviewed"],
  ["photographed", "photographed"],
  ["forgave", "forgiven"],
  ["drove", "driven"],
];
const WHEN = ["yesterday", "on Monday", "after lunch", "at the park", "this morning", "last week", "at school", "in the evening"];
const GIFTS = ["book", "apple", "letter", "ticket", "key", "scarf", "map", "cake", "ball", "lamp", "pen", "hat"];

function threeOthers(rng: Rng, family: EntityFamily, cast: string[], answer: string): string[] {
  const extra = rng.sample(
    people(family)
      .map((p) => p.name)
      .filter((n) => !cast.includes(n)),
    3,
  );
  return [...cast.filter((n) => n !== answer), ...extra].slice(0, 3);
}

type RoleAsk = "agent" | "patient";
function roleItem(rng: Rng, family: EntityFamily, voice: "active" | "passive", ask: RoleAsk, question: string): ProbeDraft {
  const [agent, patient] = rng.sample(people(family), 2).map((p) => p.name) as [string, string];
  const [past, pp] = rng.pick(VERBS);
  const when = rng.pick(WHEN);
  const context = voice === "active" ? `${agent} ${past} ${patient} ${when}.` : `${patient} was ${pp} by ${agent} ${when}.`;
  const answer = ask === "agent" ? agent : patient;
  return {
    context,
    question: fill(question, { past, pp, agent, patient }),
    answer,
    distractors: threeOthers(rng, family, [agent, patient], answer),
    meta: { event: { agent, verb: past, patient }, voice, ask },
  };
}

function giveItem(rng: Rng, family: EntityFamily, voice: "active" | "passive", ask: "giver" | "receiver", question: string): ProbeDraft {
  const [giver, receiver] = rng.sample(people(family), 2).map((p) => p.name) as [string, string];
  const gift = rng.pick(GIFTS);
  const context =
    voice === "active" ? `${giver} gave ${receiver} ${withArticle(gift)}.` : `The ${gift} was given to ${receiver} by ${giver}.`;
  const answer = ask === "giver" ? giver : receiver;
  return {
    context,
    question: fill(question, { gift, giver, receiver }),
    answer,
    distractors: threeOthers(rng, family, [giver, receiver], answer),
    meta: { event: { agent: giver, verb: "gave", patient: gift, recipient: receiver }, voice, ask },
  };
}

type Kin = "parent" | "child" | "sibling" | "grandparent" | "grandchild" | "aunt-uncle" | "niece-nephew";
const KIN_WORDS: Record<Kin, [string, string]> = {
  parent: ["mother", "father"],
  child: ["daughter", "son"],
  sibling: ["sister", "brother"],
  grandparent: ["grandmother", "grandfather"],
  grandchild: ["granddaughter", "grandson"],
  "aunt-uncle": ["aunt", "uncle"],
  "niece-nephew": ["niece", "nephew"],
};
// A is B's r1, B is C's r2 ⇒ A is C's result.
const KIN_COMPOSITION: [Kin, Kin, Kin][] = [
  ["parent", "parent", "grandparent"],
  ["child", "child", "grandchild"],
  ["sibling", "parent", "aunt-uncle"],
  ["child", "sibling", "niece-nephew"],
  ["parent", "sibling", "parent"],
  ["child", "parent", "sibling"],
  ["sibling", "sibling", "sibling"],
];
const kinWord = (kin: Kin, person: Person) => KIN_WORDS[kin][person.he === "she" ? 0 : 1];

function kinCast(rng: Rng, family: EntityFamily): Person[] {
  const pool = rng.shuffle([...rng.sample(women(family), 3), ...rng.sample(men(family), 3)]);
  return pool.slice(0, 4);
}

function kinItem(rng: Rng, family: EntityFamily, ask: "word" | "who", question: string): ProbeDraft {
  // Asking "who" with sibling∘sibling would make B a second right answer.
  const rules = ask === "who" ? KIN_COMPOSITION.filter(([r1, r2]) => !(r1 === "sibling" && r2 === "sibling")) : KIN_COMPOSITION;
  const [r1, r2, result] = rng.pick(rules);
  const [a, b, c, outsider] = kinCast(rng, family) as [Person, Person, Person, Person];
  const statements = [`${a.name} is ${b.name}'s ${kinWord(r1, a)}.`, `${b.name} is ${c.name}'s ${kinWord(r2, b)}.`];
  const resultWord = kinWord(result, a);
  const meta = {
    edges: [
      [a.name, kinWord(r1, a), b.name],
      [b.name, kinWord(r2, b), c.name],
    ],
    ask: [a.name, c.name],
  };
  if (ask === "word") {
    const sameGender = Object.values(KIN_WORDS).map((words) => words[a.he === "she" ? 0 : 1]);
    return {
      context: statements.join(" "),
      question: fill(question, { a: a.name, c: c.name }),
      answer: resultWord,
      distractors: pickOthers(rng, sameGender, [resultWord]),
      meta,
    };
  }
  return {
    context: statements.join(" "),
    question: fill(question, { c: c.name, word: resultWord }),
    answer: a.name,
    distractors: [b.name, c.name, outsider.name],
    meta: { ...meta, ask: [null, c.name, resultWord] },
  };
}

// whole | parts; the last part of each whole is held out.
export const PART_OF: Record<string, string[]> = {
  tree: ["branch", "trunk", "twig", "bark"],
  flower: ["petal", "stem", "pollen", "stamen"],
  book: ["page", "chapter", "index", "spine"],
  bird: ["feather", "beak", "talon", "wishbone"],
  fish: ["fin", "gill", "scale", "tail fin"],
  house: ["roof", "chimney", "porch", "attic"],
  bicycle: ["pedal", "saddle", "handlebar", "kickstand", "spoke"],
  shirt: ["sleeve", "collar", "cuff", "pocket"],
  face: ["nose", "chin", "cheek", "eyebrow", "forehead"],
  hand: ["finger", "thumb", "knuckle", "fingernail"],
  ship: ["mast", "sail", "hull", "anchor", "keel"],
  clock: ["pendulum", "dial", "minute hand", "hour hand"],
  shoe: ["sole", "heel", "shoelace", "insole"],
  computer: ["keyboard", "mouse", "hard drive", "webcam"],
};

// category | members; the last member is held out. Mass nouns ("tea", "golf") read without "a".
export const KIND_OF: { category: string; phrase: string; mass: boolean; members: string[] }[] = [
  { category: "flower", phrase: "a flower", mass: false, members: ["rose", "tulip", "daisy", "lily", "orchid", "sunflower"] },
  { category: "tree", phrase: "a tree", mass: false, members: ["oak", "pine", "maple", "birch", "cedar", "willow"] },
  { category: "fruit", phrase: "a fruit", mass: false, members: ["apple", "banana", "cherry", "mango", "pear", "grape", "plum", "peach"] },
  { category: "vegetable", phrase: "a vegetable", mass: false, members: ["carrot", "potato", "onion", "cabbage", "lettuce", "cucumber"] },
  { category: "tool", phrase: "a tool", mass: false, members: ["hammer", "saw", "wrench", "drill", "screwdriver", "chisel"] },
  {
    category: "instrument",
    phrase: "a musical instrument",
    mass: false,
    members: ["violin", "drum", "flute", "trumpet", "cello", "harp", "clarinet"],
  },
  { category: "vehicle", phrase: "a vehicle", mass: false, members: ["truck", "bus", "van", "tractor", "motorcycle", "taxi"] },
  { category: "furniture", phrase: "a piece of furniture", mass: false, members: ["chair", "sofa", "bed", "desk", "wardrobe", "bookcase"] },
  { category: "clothing", phrase: "a piece of clothing", mass: false, members: ["jacket", "sock", "scarf", "coat", "skirt", "sweater"] },
  { category: "metal", phrase: "a metal", mass: true, members: ["iron", "copper", "silver", "tin", "zinc", "nickel"] },
  { category: "sport", phrase: "a sport", mass: true, members: ["tennis", "soccer", "golf", "hockey", "baseball", "rugby"] },
  { category: "drink", phrase: "a drink", mass: true, members: ["tea", "coffee", "juice", "milk", "lemonade", "cocoa"] },
];

const familySlice = <T>(items: T[], family: EntityFamily): T[] => (family === "train" ? items.slice(0, -1) : items.slice(-1));

function partItem(rng: Rng, family: EntityFamily, ask: "part" | "whole", question: string): ProbeDraft {
  const wholes = rng.sample(Object.keys(PART_OF), 4);
  const whole = wholes[0] as string;
  const part = rng.pick(familySlice(PART_OF[whole] as string[], family));
  if (ask === "part") {
    return {
      question: fill(question, { awhole: withArticle(whole) }),
      answer: part,
      distractors: wholes.slice(1).map((w) => rng.pick(familySlice(PART_OF[w] as string[], family))),
      meta: { part, whole, ask },
    };
  }
  return {
    question: fill(question, { Apart: capitalize(withArticle(part)), part }),
    answer: withArticle(whole),
    distractors: wholes.slice(1).map((w) => withArticle(w)),
    meta: { part, whole, ask },
  };
}

function kindItem(rng: Rng, family: EntityFamily, ask: "category" | "member", question: string): ProbeDraft {
  const groups = rng.sample(KIND_OF, 4);
  const group = groups[0] as (typeof KIND_OF)[number];
  const member = rng.pick(familySlice(group.members, family));
  if (ask === "category") {
    return {
      question: fill(question, { Member: capitalize(group.mass ? member : withArticle(member)) }),
      answer: group.phrase,
      distractors: groups.slice(1).map((g) => g.phrase),
      meta: { member, category: group.category, ask },
    };
  }
  return {
    question: fill(question, { phrase: group.phrase }),
    answer: member,
    distractors: groups.slice(1).map((g) => rng.pick(familySlice(g.members, family))),
    meta: { member, category: group.category, ask },
  };
}

const t = (id: string, make: ProbeTemplate["make"], heldOut = false): ProbeTemplate => ({ id, make, heldOut });

export const semanticRelations: ProbeGenerator = {
  ability: "semantic-relations",
  heldOutEntities: "held-out names, and one reserved part per whole and member per category",
  templates: [
    t("active-patient", (rng, f) => roleItem(rng, f, "active", "patient", "Who was {pp}?")),
    t("active-agent", (rng, f) => roleItem(rng, f, "active", "agent", "Who {past} {patient}?")),
    t("passive-agent", (rng, f) => roleItem(rng, f, "passive", "agent", "Who {past} {patient}?")),
    t("passive-patient", (rng, f) => roleItem(rng, f, "passive", "patient", "Who was {pp} by {agent}?")),
    t("give-receiver", (rng, f) => giveItem(rng, f, "active", "receiver", "Who received the {gift}?")),
    t("give-giver", (rng, f) => giveItem(rng, f, "active", "giver", "Who gave away the {gift}?")),
    t("kin-word", (rng, f) => kinItem(rng, f, "word", "{a} is {c}'s what?")),
    t("kin-who", (rng, f) => kinItem(rng, f, "who", "Who is {c}'s {word}?")),
    t("part", (rng, f) => partItem(rng, f, "part", "Which of these is part of {awhole}?")),
    t("whole", (rng, f) => partItem(rng, f, "whole", "{Apart} is part of which of these?")),
    t("kind-category", (rng, f) => kindItem(rng, f, "category", "{Member} is a kind of what?")),
    t("kind-member", (rng, f) => kindItem(rng, f, "member", "Which of these is {phrase}?")),
    t("give-passive-held", (rng, f) => giveItem(rng, f, "passive", "giver", "Who handed over the {gift}?"), true),
    t("kin-who-held", (rng, f) => kinItem(rng, f, "who", "Which person is the {word} of {c}?"), true),
  ],
};
