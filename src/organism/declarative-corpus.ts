import { FACT_RELATIONS } from "../probes/generators/knowledge-recall.js";
import { capitalize, withArticle } from "../probes/text.js";
import { sha256Hex } from "../util/hash.js";

/**
 * The organism's "encyclopedia": every fact the knowledge-recall probes ask about, stated as
 * plain sentences (several phrasings each, none of them a question), so that knowledge
 * recall is tested on facts the model learnt from prose.
 *
 * Facts are split in two by a hash of relation and subject: the "qa" half may also appear
 * in knowledge-recall question/answer training items (so the model learns what the question
 * format asks for); the "prose-only" half appears only in this corpus, so a test item about
 * it measures recall of a fact learnt elsewhere.
 */

export type FactSplit = "qa" | "prose-only";

export function factSplit(relation: string, subject: string): FactSplit {
  const byte = parseInt(sha256Hex(`${relation}\u0000${subject}`).slice(0, 2), 16); // the digest's first byte
  return byte < 128 ? "qa" : "prose-only";
}

/** {s} subject, {S} capitalized subject, {o} object as an answer reads, {O} capitalized object. */
const PHRASINGS: Record<string, string[]> = {
  capital: [
    "The capital of {s} is {o}.",
    "{O} is the capital of {s}.",
    "{O} is the capital city of {s}.",
    "The government of {s} sits in {o}, its capital.",
  ],
  continent: ["{S} is a country in {o}.", "{S} lies on the continent of {o}.", "{S} is part of {o}."],
  "city-country": ["{S} is a city in {o}.", "The city of {s} is in {o}.", "{S} belongs to {o}."],
  symbol: ["The chemical symbol for {s} is {o}.", "{O} is the chemical symbol of {s}.", "Chemists write {s} as {o}."],
  "animal-class": ["The {s} is {o}.", "Biologists classify the {s} as {o}.", "Every {s} is {o}."],
  book: ["{S} was written by {o}.", "{O} wrote {s}.", "{O} is the author of {s}."],
  painting: ["{S} was painted by {o}.", "{O} painted {s}.", "The painting {s} is by {o}."],
  music: ["{S} was composed by {o}.", "{O} composed {s}.", "{S} is music by {o}."],
  landmark: ["{S} is in {o}.", "{S} stands in the city of {o}.", "Visitors see {s} in {o}."],
  language: ["The main language of {s} is {o}.", "Most people in {s} speak {o}.", "In {s}, people mostly speak {o}."],
  currency: ["The currency of {s} is the {o}.", "People in {s} pay with the {o}.", "Shops in {s} take the {o}."],
  number: ["{S} is {o}.", "{O} is {s}."],
  quiz: ["{S} {O}.", 'The answer to the question "{s}" is {o}.'],
};

export interface DeclarativeSentence {
  relation: string;
  subject: string;
  split: FactSplit;
  text: string;
}

export function declarativeSentences(): DeclarativeSentence[] {
  const out: DeclarativeSentence[] = [];
  for (const relation of FACT_RELATIONS) {
    const phrasings = PHRASINGS[relation.id];
    if (phrasings === undefined) throw new Error(`declarative corpus: no phrasings for relation '${relation.id}'`);
    for (const fact of relation.facts) {
      const object = relation.id === "animal-class" ? withArticle(fact.object) : fact.object;
      for (const phrasing of phrasings) {
        const text = phrasing
          .replaceAll("{s}", fact.subject)
          .replaceAll("{S}", capitalize(fact.subject))
          .replaceAll("{o}", object)
          .replaceAll("{O}", capitalize(object));
        out.push({ relation: relation.id, subject: fact.subject, split: factSplit(relation.id, fact.subject), text });
      }
    }
  }
  return out;
}
