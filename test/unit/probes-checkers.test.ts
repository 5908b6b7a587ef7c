/**
 * For every generator, an independent checker: it recomputes the gold answer from the
 * item's `meta` with its own code (a truth table for deduction, a topological sort for
 * orders, coordinates for maps, a family tree for kinship, ...) and asserts it equals
 * `answer`, and that no wrong option is also right. It runs on the committed splits and on
 * a fresh generation with another seed.
 */
import { describe, expect, it } from "vitest";
import { CAUSES, GOALS } from "../../src/probes/facts/causes.js";
import { CITY_COUNTRY, COUNTRIES, COUNTRY_CURRENCY, COUNTRY_LANGUAGE } from "../../src/probes/facts/countries.js";
import { LANDMARKS, WORKS } from "../../src/probes/facts/culture.js";
import { QUIZ } from "../../src/probes/facts/quiz.js";
import { ANIMALS, ELEMENTS, NUMBER_FACTS } from "../../src/probes/facts/science.js";
import { generateAbilitySplits } from "../../src/probes/generate.js";
import { ANALOGY_RELATIONS } from "../../src/probes/generators/analogical.js";
import { generatorFor } from "../../src/probes/generators/index.js";
import { KIND_OF, PART_OF } from "../../src/probes/generators/semantic-relations.js";
import { loadProbeSet } from "../../src/probes/load.js";
import { defaultProbesDir } from "../../src/probes/paths.js";
import type { ProbeItem } from "../../src/probes/schema.js";
import { people } from "../../src/probes/vocab.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- meta is free-form JSON by design */
type Meta = any;

function itemsOf(ability: string): ProbeItem[] {
  const committed = loadProbeSet(defaultProbesDir(), ability);
  const fresh = generateAbilitySplits(generatorFor(ability)!, 987);
  return [committed, fresh].flatMap((s) => [...s.train, ...s.dev, ...s.test]);
}

/** Options the checker finds correct must be exactly [answer]. */
function expectOnlyGold(item: ProbeItem, isCorrect: (option: string) => boolean): void {
  const correct = item.options.filter(isCorrect);
  expect(correct, `${item.id}: ${item.question}`).toEqual([item.answer]);
}

function checkAll(ability: string, check: (item: ProbeItem, meta: Meta) => void): void {
  it(`${ability}: gold recomputed from meta on every item`, () => {
    const items = itemsOf(ability);
    expect(items.length).toBeGreaterThan(5000);
    for (const item of items) check(item, item.meta as Meta);
  });
}

/** Topological order from "x before y" edges; throws unless the order is unique. */
function uniqueOrder(edges: [string, string][]): string[] {
  const nodes = [...new Set(edges.flat())];
  const order: string[] = [];
  let remaining = nodes;
  while (remaining.length > 0) {
    const free = remaining.filter((n) => !edges.some(([a, b]) => b === n && remaining.includes(a)));
    if (free.length !== 1) throw new Error(`order not unique: ${JSON.stringify(edges)}`);
    order.push(free[0]!);
    remaining = remaining.filter((n) => n !== free[0]);
  }
  return order;
}

/** Compass direction of a vector, by angle: 8 sectors of 45 degrees. */
function compass(dx: number, dy: number): string {
  const names = ["east", "northeast", "north", "northwest", "west", "southwest", "south", "southeast"];
  const sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  return names[(sector + 8) % 8]!;
}

const strip = (text: string) => text.replace(/^(a|an|the) /, "");

describe("independent checkers", () => {
  checkAll("contextual-recall", (item, meta) => {
    const facts = meta.facts as [string, string, string][];
    for (const [s, , o] of facts) {
      expect(item.context).toContain(s);
      expect(item.context).toContain(o);
    }
    if (meta.ask.who) {
      const [attribute, value] = meta.ask.who;
      expectOnlyGold(item, (name) => facts.some(([s, r, o]) => s === name && r === attribute && o === value));
      return;
    }
    let current: string = meta.ask.from;
    for (const relation of meta.ask.path as string[]) {
      const next = facts.filter(([s, r]) => s === current && r === relation);
      expect(next, item.id).toHaveLength(1);
      current = next[0]![2];
    }
    expect(item.answer, item.id).toBe(current);
    expect(meta.ask.path.length >= 1).toBe(true);
  });

  checkAll("knowledge-recall", (item, meta) => {
    const table: Record<string, [string, string][]> = {
      capital: COUNTRIES.map((c) => [c.country, c.capital]),
      continent: COUNTRIES.filter((c) => c.continent).map((c) => [c.country, c.continent!]),
      "city-country": CITY_COUNTRY.map((c) => [c.city, c.country]),
      symbol: ELEMENTS.map((e) => [e.element, e.symbol]),
      "animal-class": ANIMALS.map((a) => [a.animal, a.animalClass]),
      book: WORKS.filter((w) => w.kind === "book").map((w) => [w.title, w.creator]),
      painting: WORKS.filter((w) => w.kind === "painting").map((w) => [w.title, w.creator]),
      music: WORKS.filter((w) => w.kind === "music").map((w) => [w.title, w.creator]),
      landmark: LANDMARKS.map((l) => [l.landmark, l.city]),
      language: COUNTRY_LANGUAGE.map((c) => [c.country, c.language]),
      currency: COUNTRY_CURRENCY.map((c) => [c.country, c.currency]),
      number: NUMBER_FACTS.map((n) => [n.phrase, n.value]),
      quiz: QUIZ.map((q) => [q.question, q.answer]),
    };
    const pairs = table[meta.relation as string]!;
    expect(pairs, meta.relation).toBeDefined();
    const objectOf = (subject: string) => pairs.filter(([s]) => s === subject).map(([, o]) => o);
    const plain = (option: string) => (meta.relation === "animal-class" ? option.replace(/^an? /, "") : option);
    if (meta.subject !== undefined) {
      const truth = objectOf(meta.subject);
      expect(truth.length, item.id).toBe(1);
      const numberQuestion = NUMBER_FACTS.find((n) => n.phrase === meta.subject)?.question;
      expect(
        item.question.toLowerCase().includes(meta.subject.toLowerCase()) || item.question.includes(numberQuestion ?? "\0"),
        item.id,
      ).toBe(true);
      expectOnlyGold(item, (option) => truth.includes(plain(option)));
    } else {
      expect(item.question).toContain(meta.object);
      expectOnlyGold(item, (option) => objectOf(option).includes(meta.object));
    }
  });

  checkAll("semantic-relations", (item, meta) => {
    if (meta.event) {
      const e = meta.event;
      const role = { agent: e.agent, giver: e.agent, patient: e.patient, receiver: e.recipient }[meta.ask as string];
      expect(item.answer, item.id).toBe(role);
      if (meta.voice === "passive") expect(item.context).toContain(`by ${e.agent}`);
      else expect(item.context!.startsWith(e.agent)).toBe(true);
      expectOnlyGold(item, (o) => o === role);
    } else if (meta.edges) {
      checkKinship(item, meta);
    } else if (meta.part) {
      expect(PART_OF[meta.whole]).toContain(meta.part);
      if (meta.ask === "part") expectOnlyGold(item, (o) => (PART_OF[meta.whole] ?? []).includes(o));
      else expectOnlyGold(item, (o) => (PART_OF[strip(o)] ?? []).includes(meta.part));
    } else {
      const group = KIND_OF.find((k) => k.category === meta.category)!;
      expect(group.members).toContain(meta.member);
      if (meta.ask === "member") expectOnlyGold(item, (o) => group.members.includes(o));
      else expectOnlyGold(item, (o) => KIND_OF.some((k) => k.phrase === o && k.members.includes(meta.member)));
    }
  });

  checkAll("deductive", (item, meta) => {
    const negated = (lit: string) => lit.startsWith("!");
    const atomOf = (lit: string) => lit.replace(/^!/, "");
    // Options are sentences: "X is not Y." is the negation of the atom "X is Y".
    const optionLiteral = (o: string) => {
      const text = o.replace(/\.$/, "");
      return text.includes(" is not ") ? `!${text.replace(" is not ", " is ")}` : text;
    };
    const rules = meta.rules as [string[], string][];
    const either = (meta.either ?? []) as [string, string][];
    const literals = [...meta.facts, ...rules.flat(2), ...either.flat(), ...item.options.map(optionLiteral)] as string[];
    const atoms = [...new Set(literals.map(atomOf))];
    expect(atoms.length).toBeLessThanOrEqual(16);
    const models: Map<string, boolean>[] = [];
    for (let mask = 0; mask < 1 << atoms.length; mask++) {
      const world = new Map(atoms.map((a, i) => [a, ((mask >> i) & 1) === 1]));
      const holds = (lit: string) => world.get(atomOf(lit)) !== negated(lit);
      const ok =
        meta.facts.every(holds) &&
        rules.every(([premises, conclusion]) => !premises.every(holds) || holds(conclusion)) &&
        either.every(([a, b]) => holds(a) || holds(b));
      if (ok) models.push(world);
    }
    expect(models.length, `${item.id}: premises are consistent`).toBeGreaterThan(0);
    const entailed = (o: string) => models.every((w) => w.get(atomOf(optionLiteral(o))) !== negated(optionLiteral(o)));
    expectOnlyGold(item, entailed);
    // Chains of two or more rules (plus the rule that leads nowhere).
    if (/^(syllogism-3|chain-|tollens-2|either-chain)/.test(meta.template)) expect(rules.length + either.length).toBeGreaterThanOrEqual(3);
  });

  checkAll("inductive", (item, meta) => {
    const rule = meta.rule;
    let sequence: (i: number) => string;
    switch (rule.kind) {
      case "add":
        sequence = (i) => String(rule.start + rule.step * i);
        break;
      case "multiply":
        sequence = (i) => String(rule.start * Math.pow(rule.factor, i));
        break;
      case "alternate":
        sequence = (i) => String(rule.start + Math.ceil(i / 2) * rule.steps[0] + Math.floor(i / 2) * rule.steps[1]);
        break;
      case "square":
        sequence = (i) => String((rule.offset + i) * (rule.offset + i));
        break;
      case "growing":
        sequence = (i) => String(rule.start + i * rule.firstStep + (i * (i - 1)) / 2);
        break;
      case "letters":
        sequence = (i) => String.fromCharCode(rule.start.charCodeAt(0) + i * rule.step);
        break;
      case "cycle":
        sequence = (i) => rule.cycle[i % rule.cycle.length];
        break;
      case "linear": {
        const f = (x: number) => String(rule.a * x + rule.b);
        for (const x of meta.examples) expect(item.question).toMatch(new RegExp(`(\\b${x} into ${f(x)}\\b|f\\(${x}\\) = ${f(x)}\\b)`));
        expectOnlyGold(item, (o) => o === f(meta.ask));
        return;
      }
      default:
        throw new Error(`unknown rule ${rule.kind}`);
    }
    const shown = Array.from({ length: meta.shown }, (_, i) => (meta.ask === "missing" && i === meta.gap ? "_" : sequence(i)));
    expect(item.question, item.id).toContain(shown.join(", "));
    expectOnlyGold(item, (o) => o === (meta.ask === "missing" ? sequence(meta.gap) : sequence(meta.shown)));
  });

  checkAll("analogical", (item, meta) => {
    const pairs = ANALOGY_RELATIONS[meta.relation]!;
    const holds = (x: string, y: string) => pairs.some(([a, b]) => a === x && b === y);
    expect(holds(meta.example[0], meta.example[1])).toBe(true);
    if (meta.reversed) expectOnlyGold(item, (o) => holds(o, meta.query));
    else expectOnlyGold(item, (o) => holds(meta.query, o));
  });

  checkAll("quantitative", (item, meta) => {
    const ops: Record<string, (x: number, n: number) => number> = {
      start: (_x, n) => n,
      add: (x, n) => x + n,
      sub: (x, n) => x - n,
      mul: (x, n) => x * n,
      div: (x, n) => x / n,
    };
    let value = NaN;
    for (const [op, n] of meta.steps as [string, number][]) {
      value = ops[op]!(value, n);
      expect(Number.isInteger(value) && value >= 0, `${item.id}: intermediate ${value}`).toBe(true);
    }
    expect(meta.steps.length, item.id).toBeGreaterThanOrEqual(2);
    expect(item.question).toMatch(new RegExp(`\\b${meta.steps[0][1]}\\b`));
    expectOnlyGold(item, (o) => o === (meta.unit === "$" ? `$${value}` : String(value)));
  });

  checkAll("temporal", (item, meta) => {
    const clock = (m: number) => {
      const h = Math.floor(m / 60);
      const suffix = h >= 12 ? "pm" : "am";
      const hour = ((h + 11) % 12) + 1;
      return `${hour}:${(m % 60).toString().padStart(2, "0")} ${suffix}`;
    };
    const duration = (m: number) => {
      const parts: string[] = [];
      if (m >= 60) parts.push(m >= 120 ? `${Math.floor(m / 60)} hours` : "1 hour");
      if (m % 60 === 1) parts.push("1 minute");
      else if (m % 60 > 0) parts.push(`${m % 60} minutes`);
      return parts.join(" ");
    };
    const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    const months = [
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
    let gold: string;
    if (meta.relations) {
      const edges = (meta.relations as [string, string, string][]).map(
        ([x, rel, y]) => (rel === "before" ? [x, y] : [y, x]) as [string, string],
      );
      const order = uniqueOrder(edges);
      const ask = meta.ask;
      gold =
        ask === "first"
          ? order[0]!
          : ask === "last"
            ? order[order.length - 1]!
            : ask === "second"
              ? order[1]!
              : order[order.indexOf(ask[1]) - 1]!;
    } else if (meta.add) gold = clock(meta.start + meta.add.reduce((a: number, b: number) => a + b, 0));
    else if (meta.end !== undefined) gold = duration(meta.end - meta.start);
    else if (meta.today) gold = days[(((days.indexOf(meta.today) + meta.shift) % 7) + 7) % 7]!;
    else if (meta.now) gold = months[(months.indexOf(meta.now) + meta.shift) % 12]!;
    else if (meta.born) gold = String(meta.year - meta.born);
    else if (meta.plus) gold = String(meta.start + meta.plus);
    else {
      const byYear = Object.entries(meta.opened as Record<string, number>).sort((a, b) => a[1] - b[1]);
      gold = `the ${(meta.ask === "first" ? byYear[0] : byYear[byYear.length - 1])![0]}`;
    }
    expectOnlyGold(item, (o) => o === gold);
  });

  checkAll("spatial", (item, meta) => {
    const headings = ["north", "east", "south", "west"];
    const unit: Record<string, [number, number]> = { north: [0, 1], south: [0, -1], east: [1, 0], west: [-1, 0] };
    let gold: string;
    if (meta.relations && meta.relations[0]?.[1] === "in") {
      const rel = meta.relations as [string, string, string][];
      gold =
        meta.ask === "outermost"
          ? rel.map(([, , b]) => b).find((b) => !rel.some(([a]) => a === b))!
          : rel.find(([a]) => a === meta.ask[1])![2];
      gold = `the ${gold}`;
    } else if (meta.relations && ["left", "right", "above", "below"].includes(meta.relations[0]?.[1])) {
      // "a left of b" and "a above b" put a first; "right of"/"below" put b first.
      const edges = (meta.relations as [string, string, string][]).map(
        ([a, rel, b]) => (rel === "left" || rel === "above" ? [a, b] : [b, a]) as [string, string],
      );
      const order = uniqueOrder(edges);
      const ask = meta.ask;
      const name =
        ask === "first"
          ? order[0]!
          : ask === "last"
            ? order[order.length - 1]!
            : ask === "middle"
              ? order[1]!
              : order[order.indexOf(ask[1]) + 1]!;
      gold = item.answer.startsWith("the ") ? (item.answer.endsWith(" block") ? `the ${name} block` : `the ${name}`) : name;
    } else if (meta.relations) {
      const position = new Map<string, [number, number]>();
      const rel = meta.relations as [string, string, string][];
      position.set(rel[0]![2], [0, 0]);
      for (const [a, dir, b] of rel) {
        const [x, y] = position.get(b)!;
        position.set(a, [x + unit[dir]![0], y + unit[dir]![1]]);
      }
      const [x1, y1] = position.get(meta.ask[0])!;
      const [x2, y2] = position.get(meta.ask[1])!;
      gold = compass(x1 - x2, y1 - y2);
    } else if (meta.turns) {
      let angle = headings.indexOf(meta.start) * 90;
      for (const turn of meta.turns) {
        const [dir, degrees] = Array.isArray(turn) ? turn : [turn, 90];
        angle += dir === "left" ? -degrees : dir === "right" ? degrees : 180;
      }
      gold = headings[(((angle % 360) + 360) % 360) / 90]!;
    } else if (meta.legs) {
      const [dx, dy] = (meta.legs as [number, string][]).reduce(([x, y], [k, h]) => [x + k * unit[h]![0], y + k * unit[h]![1]], [0, 0]);
      gold = meta.ask === "direction" ? compass(dx, dy) : String(Math.abs(dx) + Math.abs(dy));
    } else if (meta.shape === "rectangle") gold = `${meta.length * meta.width} square meters`;
    else gold = `${meta.side * 4} centimeters`;
    expectOnlyGold(item, (o) => o === gold);
  });

  checkAll("commonsense-causal", (item, meta) => {
    const person = [...people("train"), ...people("heldout")].find((p) => p.name === meta.name)!;
    const render = (text: string) => text.replaceAll("{p}", person.name).replaceAll("{his}", person.his).replaceAll("{he}", person.he);
    if (meta.cause) {
      const entry = CAUSES.find((c) => c.cause === meta.cause)!;
      expect(entry.effect).toBe(meta.effect);
      const leadsTo = (o: string) =>
        CAUSES.some((c) => c.topic === entry.topic && render(meta.ask === "effect" ? c.effect : c.cause) === o);
      expectOnlyGold(item, leadsTo);
      expect(item.answer).toBe(render(meta.ask === "effect" ? entry.effect : entry.cause));
    } else {
      const entry = GOALS.find((g) => g.goal === meta.goal)!;
      expect(entry.action).toBe(meta.action);
      const gold = meta.ask === "action" ? render(entry.action) : `to ${render(entry.goal)}`;
      expectOnlyGold(item, (o) => o === gold);
    }
  });
});

/**
 * Kinship through an explicit family tree: sibling groups share parents; the relation of
 * A to C is read off the tree, not from a composition table.
 */
function checkKinship(item: ProbeItem, meta: Meta): void {
  const female = new Set(["mother", "daughter", "sister", "grandmother", "granddaughter", "aunt", "niece"]);
  const parentsOf = new Map<string, Set<string>>();
  const group = new Map<string, string>();
  const root = (x: string): string => (group.get(x) && group.get(x) !== x ? root(group.get(x)!) : x);
  const gender = new Map<string, "f" | "m">();
  const parents = (x: string) => parentsOf.get(root(x)) ?? new Set<string>();
  const addParent = (parent: string, child: string) => parentsOf.set(root(child), new Set([...parents(child), parent]));
  for (const [a, word, b] of meta.edges as [string, string, string][]) {
    gender.set(a, female.has(word) ? "f" : "m");
    if (["mother", "father"].includes(word)) addParent(a, b);
    else if (["daughter", "son"].includes(word)) addParent(b, a);
    else {
      const merged = new Set([...parents(a), ...parents(b)]);
      group.set(root(a), root(b));
      parentsOf.set(root(b), merged);
    }
  }
  const siblings = (x: string, y: string) => x !== y && (root(x) === root(y) || [...parents(x)].some((p) => parents(y).has(p)));
  const relation = (a: string, c: string): string | null => {
    const f = gender.get(a) === "f";
    if (parents(c).has(a)) return f ? "mother" : "father";
    if (parents(a).has(c)) return f ? "daughter" : "son";
    if (siblings(a, c)) return f ? "sister" : "brother";
    if ([...parents(c)].some((p) => parents(p).has(a))) return f ? "grandmother" : "grandfather";
    if ([...parents(a)].some((p) => parents(p).has(c))) return f ? "granddaughter" : "grandson";
    if ([...parents(c)].some((p) => siblings(p, a))) return f ? "aunt" : "uncle";
    if ([...parents(a)].some((p) => siblings(p, c))) return f ? "niece" : "nephew";
    return null;
  };
  const [a, c, word] = meta.ask as [string | null, string, string | undefined];
  if (a !== null) {
    const truth = relation(a, c);
    expect(truth, item.id).not.toBeNull();
    expectOnlyGold(item, (o) => o === truth);
  } else {
    expectOnlyGold(item, (o) => gender.has(o) && relation(o, c) === word);
  }
}
