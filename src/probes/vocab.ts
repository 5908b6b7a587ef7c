import type { EntityFamily } from "./generators/types.js";

/**
 * Shared people for the generators. Names are short and common so that a small model's
 * vocabulary stays small; the held-out names never appear outside held-out test items.
 */
export interface Person {
  name: string;
  /** Subject pronoun, to write natural follow-up sentences. */
  he: "he" | "she";
  his: "his" | "her";
  him: "him" | "her";
}

const TRAIN_WOMEN = [
  "Mia",
  "Ana",
  "Lily",
  "Emma",
  "Sara",
  "Zoe",
  "Nora",
  "Ella",
  "Ruth",
  "Lucy",
  "Kate",
  "Rosa",
  "Maya",
  "Iris",
  "Alice",
  "Clara",
  "Grace",
  "Hana",
  "Julia",
  "Lena",
];
const TRAIN_MEN = [
  "Tom",
  "Ben",
  "Sam",
  "Leo",
  "Max",
  "Omar",
  "Noah",
  "Jack",
  "Paul",
  "Ivan",
  "Hugo",
  "Luis",
  "Adam",
  "Carl",
  "Dan",
  "Eric",
  "Felix",
  "Kai",
  "Liam",
  "Ravi",
];
const HELDOUT_WOMEN = ["Greta", "Nadia", "Olga", "Priya", "Wendy", "Yara", "Fiona", "Bella"];
const HELDOUT_MEN = ["Bruno", "Diego", "Igor", "Tariq", "Victor", "Yusuf", "Oscar", "Marco"];

const woman = (name: string): Person => ({ name, he: "she", his: "her", him: "her" });
const man = (name: string): Person => ({ name, he: "he", his: "his", him: "him" });

export function women(family: EntityFamily): Person[] {
  return (family === "train" ? TRAIN_WOMEN : HELDOUT_WOMEN).map(woman);
}

export function men(family: EntityFamily): Person[] {
  return (family === "train" ? TRAIN_MEN : HELDOUT_MEN).map(man);
}

export function people(family: EntityFamily): Person[] {
  return [...women(family), ...men(family)];
}
