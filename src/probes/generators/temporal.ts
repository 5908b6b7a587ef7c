import { numericDistractors, pickOthers } from "../distractors.js";
import type { Rng } from "../../util/prng.js";
import { capitalize, fill } from "../text.js";
import { people, type Person } from "../vocab.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Order, duration and timing: sequences of events stated with "before"/"after", clock
 * times and durations, days of the week, months, years and ages.
 */

// past tense | -ing form
export const EVENTS: Record<EntityFamily, [string, string][]> = {
  train: [
    ["ate breakfast", "eating breakfast"],
    ["walked the dog", "walking the dog"],
    ["read a book", "reading a book"],
    ["took a shower", "taking a shower"],
    ["called a friend", "calling a friend"],
    ["went shopping", "going shopping"],
    ["watered the plants", "watering the plants"],
    ["did homework", "doing homework"],
    ["cooked dinner", "cooking dinner"],
    ["washed the car", "washing the car"],
    ["played chess", "playing chess"],
    ["went swimming", "going swimming"],
    ["cleaned the kitchen", "cleaning the kitchen"],
    ["wrote a letter", "writing a letter"],
    ["baked bread", "baking bread"],
    ["fed the cat", "feeding the cat"],
  ],
  heldout: [
    ["painted the fence", "painting the fence"],
    ["fixed the bike", "fixing the bike"],
    ["visited the museum", "visiting the museum"],
    ["planted a tree", "planting a tree"],
    ["ironed a shirt", "ironing a shirt"],
    ["sent an email", "sending an email"],
  ],
};
const TIMED_EVENTS: Record<EntityFamily, string[]> = {
  train: ["A movie", "A meeting", "A soccer match", "A concert", "A bus trip", "A class", "A lecture", "A party"],
  heldout: ["A ferry ride", "A chess tournament"],
};
const PLACES: Record<EntityFamily, string[]> = {
  train: ["library", "museum", "park", "zoo", "school", "hospital", "bridge", "theater", "stadium", "market"],
  heldout: ["lighthouse", "aquarium", "observatory", "train station"],
};
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const mod = (n: number, m: number) => ((n % m) + m) % m;

/** Minutes since midnight → "7:05 pm". */
export function formatClock(minutes: number): string {
  const h24 = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return `${h12}:${String(m).padStart(2, "0")} ${h24 < 12 ? "am" : "pm"}`;
}

/** Minutes → "1 hour 5 minutes", "2 hours", "45 minutes". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h === 0 ? "" : `${h} hour${h === 1 ? "" : "s"}`;
  const mins = m === 0 ? "" : `${m} minute${m === 1 ? "" : "s"}`;
  return [hours, mins].filter(Boolean).join(" ");
}

/** A few nearby wrong values, formatted, distinct and different from the answer. */
function nearby(rng: Rng, answer: number, offsets: number[], valid: (x: number) => boolean, format: (x: number) => string): string[] {
  const candidates = [...new Set(offsets.map((d) => answer + d))].filter((x) => x !== answer && valid(x)).map(format);
  return rng.sample(
    [...new Set(candidates)].filter((s) => s !== format(answer)),
    3,
  );
}

type Relation = [string, "before" | "after", string];

function stateOrder(rng: Rng, person: Person, first: [string, string], second: [string, string]): { text: string; relation: Relation } {
  const [a, b] = [first[0], second[0]];
  switch (rng.int(0, 2)) {
    case 0:
      return { text: `${person.name} ${a} before ${person.he} ${b}.`, relation: [a, "before", b] };
    case 1:
      return { text: `After ${person.name} ${a}, ${person.he} ${b}.`, relation: [b, "after", a] };
    default:
      return { text: `${person.name} ${b} after ${person.he} ${a}.`, relation: [b, "after", a] };
  }
}

type OrderAsk = "first" | "last" | "second" | "just-before";
function orderItem(rng: Rng, family: EntityFamily, ask: OrderAsk, question: string): ProbeDraft {
  const person = rng.pick(people(family));
  const events = rng.sample(EVENTS[family], 4);
  const stated = events.slice(0, -1).map((e, i) => stateOrder(rng, person, e, events[i + 1] as [string, string]));
  const target = ask === "first" ? 0 : ask === "last" ? 3 : ask === "second" ? 1 : rng.int(0, 2);
  const answer = events[target]?.[0] as string;
  const before = ask === "just-before" ? (events[target + 1] as [string, string]) : undefined;
  return {
    context: rng.shuffle(stated.map((s) => s.text)).join(" "),
    question: fill(question, { p: person.name, ing: before?.[1] ?? "" }),
    answer,
    distractors: events.map((e) => e[0]).filter((e) => e !== answer),
    meta: { relations: stated.map((s) => s.relation), ask: before ? ["just-before", before[0]] : ask },
  };
}

function clockAddItem(rng: Rng, family: EntityFamily, parts: number): ProbeDraft {
  const start = rng.int(7 * 12, 18 * 12) * 5; // 7:00 am to 6:00 pm, on 5-minute marks
  const add = Array.from({ length: parts }, () => rng.int(parts === 1 ? 4 : 2, parts === 1 ? 40 : 18) * 5);
  const end = start + add.reduce((s, x) => s + x, 0);
  const valid = (x: number) => x > start && x < 24 * 60;
  const distractors = nearby(rng, end, [-60, 60, -30, 30, -10, 10, -add[0]!, 120], valid, formatClock);
  if (parts === 1) {
    return {
      question: `${rng.pick(TIMED_EVENTS[family])} starts at ${formatClock(start)} and lasts ${formatDuration(add[0]!)}. When does it end?`,
      answer: formatClock(end),
      distractors,
      meta: { start, add },
    };
  }
  const person = rng.pick(people(family));
  return {
    question: `${person.name} puts a cake in the oven at ${formatClock(start)}. It bakes for ${formatDuration(add[0]!)} and then cools for ${formatDuration(add[1]!)}. When is it ready to eat?`,
    answer: formatClock(end),
    distractors,
    meta: { start, add },
  };
}

function clockDiffItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const start = rng.int(6 * 12, 16 * 12) * 5;
  const length = rng.int(3, 60) * 5;
  const end = start + length;
  const vehicle = family === "train" ? rng.pick(["train", "bus", "plane", "boat"]) : rng.pick(["ferry", "tram"]);
  return {
    question: `A ${vehicle} leaves at ${formatClock(start)} and arrives at ${formatClock(end)}. How long is the trip?`,
    answer: formatDuration(length),
    distractors: nearby(rng, length, [60, -60, 10, -10, 20, -20, 5, -5, 40 - 2 * (length % 60)], (x) => x > 0, formatDuration),
    meta: { start, end },
  };
}

function weekdayItem(rng: Rng, direction: 1 | -1, question: string): ProbeDraft {
  const today = rng.int(0, 6);
  const n = rng.int(2, 20);
  const answerIndex = mod(today + direction * n, 7);
  const answer = WEEKDAYS[answerIndex] as string;
  const near = [answerIndex - 1, answerIndex + 1, answerIndex + 2, answerIndex - 2, today - direction * n].map(
    (i) => WEEKDAYS[mod(i, 7)] as string,
  );
  return {
    question: fill(question, { day: WEEKDAYS[today] as string, n }),
    answer,
    distractors: pickOthers(rng, near, [answer]),
    meta: { today: WEEKDAYS[today], shift: direction * n },
  };
}

function monthItem(rng: Rng): ProbeDraft {
  const now = rng.int(0, 11);
  const n = rng.int(2, 14);
  const answerIndex = mod(now + n, 12);
  const answer = MONTHS[answerIndex] as string;
  const near = [answerIndex - 1, answerIndex + 1, answerIndex + 2, answerIndex - 2, now - n].map((i) => MONTHS[mod(i, 12)] as string);
  return {
    question: `It is ${MONTHS[now]} now. What month will it be in ${n} months?`,
    answer,
    distractors: pickOthers(rng, near, [answer]),
    meta: { now: MONTHS[now], shift: n },
  };
}

function ageItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const person = rng.pick(people(family));
  const born = rng.int(1950, 2010);
  // Ages are asked about past years only.
  const year = born + rng.int(5, Math.min(60, 2024 - born));
  const age = year - born;
  return {
    question: `${person.name} was born in ${born}. How old did ${person.he} turn in ${year}?`,
    answer: String(age),
    distractors: numericDistractors(rng, age, [age - 1, age + 1, age + 10, age - 10]).map(String),
    meta: { born, year },
  };
}

function laterItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const place = rng.pick(PLACES[family]);
  const built = rng.int(1800, 1990);
  const gap = rng.int(5, 90);
  const year = built + gap;
  return {
    question: `The ${place} was built in ${built} and rebuilt ${gap} years later. In which year was it rebuilt?`,
    answer: String(year),
    distractors: numericDistractors(rng, year, [year - 10, year + 10, built - gap, year + 1, year - 1]).map(String),
    meta: { start: built, plus: gap },
  };
}

function openedItem(rng: Rng, family: EntityFamily, ask: "first" | "last"): ProbeDraft {
  const places = rng.sample(PLACES[family], 4);
  const years = rng.sample(
    Array.from({ length: 150 }, (_, i) => 1860 + i),
    4,
  );
  const opened = Object.fromEntries(places.map((p, i) => [p, years[i] as number]));
  const order = places.slice().sort((a, b) => (opened[a] as number) - (opened[b] as number));
  const answer = `the ${ask === "first" ? order[0] : order[3]}`;
  const [p0, p1, p2, p3] = places.map((p) => `the ${p}`) as [string, string, string, string];
  const list = `${capitalize(p0)} opened in ${years[0]}, ${p1} in ${years[1]}, ${p2} in ${years[2]} and ${p3} in ${years[3]}.`;
  return {
    context: list,
    question: ask === "first" ? "Which one opened first?" : "Which one opened most recently?",
    answer,
    distractors: places.map((p) => `the ${p}`).filter((p) => p !== answer),
    meta: { opened, ask },
  };
}

const t = (id: string, make: ProbeTemplate["make"], heldOut = false): ProbeTemplate => ({ id, make, heldOut });
const agnostic = (id: string, make: ProbeTemplate["make"]): ProbeTemplate => ({ id, make, familyAgnostic: true });

export const temporal: ProbeGenerator = {
  ability: "temporal",
  heldOutEntities: "held-out names, activities, events and places",
  templates: [
    t("order-first", (rng, f) => orderItem(rng, f, "first", "What did {p} do first?")),
    t("order-last", (rng, f) => orderItem(rng, f, "last", "What did {p} do last?")),
    t("order-just-before", (rng, f) => orderItem(rng, f, "just-before", "What did {p} do just before {ing}?")),
    t("clock-end", (rng, f) => clockAddItem(rng, f, 1)),
    t("clock-length", (rng, f) => clockDiffItem(rng, f)),
    agnostic("weekday-ahead", (rng) => weekdayItem(rng, 1, "Today is {day}. What day will it be in {n} days?")),
    agnostic("weekday-ago", (rng) => weekdayItem(rng, -1, "If today is {day}, what day was it {n} days ago?")),
    agnostic("month-ahead", (rng) => monthItem(rng)),
    t("age", (rng, f) => ageItem(rng, f)),
    t("years-later", (rng, f) => laterItem(rng, f)),
    t("opened-first", (rng, f) => openedItem(rng, f, "first")),
    t("opened-last", (rng, f) => openedItem(rng, f, "last")),
    t("two-durations-held", (rng, f) => clockAddItem(rng, f, 2), true),
    t("order-second-held", (rng, f) => orderItem(rng, f, "second", "What did {p} do second?"), true),
  ],
};
