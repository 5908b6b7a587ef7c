import { pickOthers } from "../distractors.js";
import { COUNTRIES, CONTINENTS, CITY_COUNTRY, COUNTRY_CURRENCY, COUNTRY_LANGUAGE } from "../facts/countries.js";
import { LANDMARKS, WORKS, type WorkKind } from "../facts/culture.js";
import { QUIZ } from "../facts/quiz.js";
import { ANIMAL_CLASSES, ANIMALS, ELEMENTS, NUMBER_FACTS } from "../facts/science.js";
import type { Rng } from "../../util/prng.js";
import { capitalize, fill, withArticle } from "../text.js";
import type { ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * World facts asked with no context. Each relation has several phrasings; its last forward
 * phrasing is held out (test only), so the held-out items ask known facts in an unseen way.
 */
interface Fact {
  subject: string;
  object: string;
}

interface FactRelation {
  id: string;
  facts: Fact[];
  /** {s}: the subject, {S}: capitalized, {as}: with "a"/"an", {q}: the stored question. The last one is held out. */
  forward: string[];
  /** {o}: the object; asks for the subject. */
  reverse?: string[];
  /** How the object reads as an answer option. */
  objectText?: (object: string) => string;
  wrongObjects(rng: Rng, fact: Fact): string[];
  wrongSubjects?(rng: Rng, fact: Fact): string[];
}

/** Prefer wrong answers that look like the right one (same first letter, same continent...). */
function preferSimilar(rng: Rng, similar: string[], all: string[], exclude: string[]): string[] {
  const near = [...new Set(similar)].filter((x) => !exclude.includes(x));
  const chosen = rng.sample(near, Math.min(3, near.length));
  return chosen.length === 3 ? chosen : [...chosen, ...pickOthers(rng, all, [...exclude, ...chosen], 3 - chosen.length)];
}

const continentOf = new Map(COUNTRIES.map((c) => [c.country, c.continent]));
const sameContinent = (country: string) =>
  COUNTRIES.filter((c) => continentOf.get(country) !== null && c.continent === continentOf.get(country));

function worksRelation(kind: WorkKind, forward: string[]): FactRelation {
  const works = WORKS.filter((w) => w.kind === kind);
  const creators = works.map((w) => w.creator);
  return {
    id: kind,
    facts: works.map((w) => ({ subject: w.title, object: w.creator })),
    forward,
    wrongObjects: (rng, fact) => pickOthers(rng, creators, [fact.object]),
  };
}

function simpleRelation(id: string, pairs: Fact[], forward: string[]): FactRelation {
  const objects = pairs.map((p) => p.object);
  return { id, facts: pairs, forward, wrongObjects: (rng, fact) => pickOthers(rng, objects, [fact.object]) };
}

export const FACT_RELATIONS: FactRelation[] = [
  {
    id: "capital",
    facts: COUNTRIES.map((c) => ({ subject: c.country, object: c.capital })),
    forward: [
      "What is the capital of {s}?",
      "Which city is the capital of {s}?",
      "The capital city of {s} is which of these?",
      "Name the capital of {s}.",
      "Which of these cities is the capital of {s}?",
      "If you travel to the capital of {s}, which city are you in?",
    ],
    reverse: ["{o} is the capital of which country?", "Which country has {o} as its capital?"],
    wrongObjects: (rng, fact) =>
      preferSimilar(
        rng,
        sameContinent(fact.subject).map((c) => c.capital),
        COUNTRIES.map((c) => c.capital),
        [fact.object],
      ),
    wrongSubjects: (rng, fact) =>
      preferSimilar(
        rng,
        sameContinent(fact.subject).map((c) => c.country),
        COUNTRIES.map((c) => c.country),
        [fact.subject],
      ),
  },
  {
    id: "continent",
    facts: COUNTRIES.filter((c) => c.continent !== null).map((c) => ({ subject: c.country, object: c.continent as string })),
    forward: [
      "On which continent is {s}?",
      "{S} is a country on which continent?",
      "Which continent is {s} part of?",
      "In which continent would you find {s}?",
      "Which continent does {s} belong to?",
      "{S} lies on which continent?",
    ],
    wrongObjects: (rng, fact) => pickOthers(rng, CONTINENTS, [fact.object]),
  },
  {
    id: "city-country",
    facts: CITY_COUNTRY.map((c) => ({ subject: c.city, object: c.country })),
    forward: [
      "In which country is the city of {s}?",
      "{S} is a city in which country?",
      "Which country is {s} in?",
      "The city of {s} belongs to which country?",
    ],
    wrongObjects: (rng, fact) =>
      pickOthers(
        rng,
        CITY_COUNTRY.map((c) => c.country),
        [fact.object],
      ),
  },
  {
    id: "symbol",
    facts: ELEMENTS.map((e) => ({ subject: e.element, object: e.symbol })),
    forward: [
      "What is the chemical symbol for {s}?",
      "Which symbol stands for {s} on the periodic table?",
      "The element {s} has which chemical symbol?",
      "How is {s} written as a chemical symbol?",
      "Which letters does chemistry use for {s}?",
    ],
    reverse: ["Which element has the chemical symbol {o}?", "The chemical symbol {o} stands for which element?"],
    wrongObjects: (rng, fact) =>
      preferSimilar(
        rng,
        ELEMENTS.filter((e) => e.symbol[0] === fact.object[0] || e.symbol[0] === fact.subject[0]?.toUpperCase()).map((e) => e.symbol),
        ELEMENTS.map((e) => e.symbol),
        [fact.object],
      ),
    wrongSubjects: (rng, fact) =>
      preferSimilar(
        rng,
        ELEMENTS.filter((e) => e.element[0] === fact.subject[0] || e.symbol[0] === fact.object[0]).map((e) => e.element),
        ELEMENTS.map((e) => e.element),
        [fact.subject],
      ),
  },
  {
    id: "animal-class",
    facts: ANIMALS.map((a) => ({ subject: a.animal, object: a.animalClass })),
    forward: [
      "What kind of animal is {as}?",
      "Which group of animals does the {s} belong to?",
      "Biologists classify the {s} as what?",
      "The {s} is best described as which of these?",
      "Scientists would call the {s} what kind of animal?",
    ],
    objectText: withArticle,
    wrongObjects: (rng, fact) => pickOthers(rng, ANIMAL_CLASSES, [fact.object]),
  },
  worksRelation("book", [
    "Who wrote {s}?",
    "Which author wrote {s}?",
    "Who is the author of {s}?",
    "{S} was written by whom?",
    "Whose book is {s}?",
  ]),
  worksRelation("painting", [
    "Who painted {s}?",
    "Which artist painted {s}?",
    "{S} is a painting by whom?",
    "Who created the painting {s}?",
  ]),
  worksRelation("music", ["Who composed {s}?", "Which composer wrote {s}?", "{S} is a work by which composer?", "Whose music is {s}?"]),
  {
    ...simpleRelation(
      "landmark",
      LANDMARKS.map((l) => ({ subject: l.landmark, object: l.city })),
      [
        "In which city is {s}?",
        "Which city is home to {s}?",
        "Where would you go to see {s}?",
        "{S} stands in which city?",
        "To visit {s}, which city should you travel to?",
      ],
    ),
  },
  simpleRelation(
    "language",
    COUNTRY_LANGUAGE.map((c) => ({ subject: c.country, object: c.language })),
    [
      "What is the main language spoken in {s}?",
      "Which language do most people in {s} speak?",
      "People in {s} mostly speak which language?",
      "Which language would you hear most in {s}?",
    ],
  ),
  simpleRelation(
    "currency",
    COUNTRY_CURRENCY.map((c) => ({ subject: c.country, object: c.currency })),
    [
      "What is the currency of {s}?",
      "Which currency is used in {s}?",
      "People in {s} pay with which currency?",
      "What money do shops in {s} take?",
    ],
  ),
  {
    id: "number",
    facts: NUMBER_FACTS.map((n) => ({ subject: n.phrase, object: n.value })),
    forward: ["{q}", "What is {s}?", "Which of these numbers is {s}?"],
    wrongObjects: (rng, fact) => {
      const value = Number(fact.object);
      const others = [...new Set(NUMBER_FACTS.map((n) => Number(n.value)))].filter((v) => v !== value);
      const nearest = others.sort((a, b) => Math.abs(a - value) - Math.abs(b - value) || a - b).slice(0, 6);
      return rng.sample(nearest, 3).map(String);
    },
  },
  {
    id: "quiz",
    facts: QUIZ.map((q) => ({ subject: q.question, object: q.answer })),
    forward: ["{q}", "Here is a quiz question. {q}"],
    wrongObjects: (rng, fact) => rng.sample(QUIZ.find((q) => q.question === fact.subject)?.wrong ?? [], 3),
  },
];

const questionOfNumber = new Map(NUMBER_FACTS.map((n) => [n.phrase, n.question]));

function forwardTemplate(relation: FactRelation, phrasing: string, id: string, heldOut: boolean): ProbeTemplate {
  const show = relation.objectText ?? ((o: string) => o);
  return {
    id,
    heldOut,
    weight: relation.facts.length,
    make(rng) {
      const fact = rng.pick(relation.facts);
      // The number and quiz relations carry their question whole; the others fill a slot.
      const q = relation.id === "number" ? (questionOfNumber.get(fact.subject) as string) : fact.subject;
      return {
        question: fill(phrasing, { s: fact.subject, S: capitalize(fact.subject), as: withArticle(fact.subject), q }),
        answer: show(fact.object),
        distractors: relation.wrongObjects(rng, fact).map(show),
        meta: { relation: relation.id, subject: fact.subject },
      };
    },
  };
}

function reverseTemplate(relation: FactRelation, phrasing: string, id: string): ProbeTemplate {
  return {
    id,
    weight: relation.facts.length,
    make(rng) {
      const fact = rng.pick(relation.facts);
      const wrong = relation.wrongSubjects?.(rng, fact) ?? [];
      return {
        question: capitalize(fill(phrasing, { o: fact.object })),
        answer: fact.subject,
        distractors: wrong,
        meta: { relation: relation.id, object: fact.object },
      };
    },
  };
}

export const knowledgeRecall: ProbeGenerator = {
  ability: "knowledge-recall",
  heldOutEntities: null,
  templates: FACT_RELATIONS.flatMap((relation) => [
    ...relation.forward.map((phrasing, i) =>
      forwardTemplate(relation, phrasing, `${relation.id}-${i + 1}`, i === relation.forward.length - 1),
    ),
    ...(relation.reverse ?? []).map((phrasing, i) => reverseTemplate(relation, phrasing, `${relation.id}-reverse-${i + 1}`)),
  ]),
};
