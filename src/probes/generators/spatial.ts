import { numericDistractors, pickOthers } from "../distractors.js";
import type { Rng } from "../../util/prng.js";
import { people, type Person } from "../vocab.js";
import type { EntityFamily, ProbeDraft, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Left/right rows, stacks (above/below), containers (inside), compass turns, walks on a
 * street grid, relative positions on a map, and the area and perimeter of simple shapes.
 * `meta` holds the stated relations or moves, so a checker can solve the layout itself.
 */
const OBJECTS: Record<EntityFamily, string[]> = {
  train: ["cup", "book", "lamp", "vase", "clock", "plant", "candle", "bowl", "radio", "basket", "jar", "photo"],
  heldout: ["kettle", "globe", "teapot", "trophy", "mirror"],
};
const COLORS: Record<EntityFamily, string[]> = {
  train: ["red", "blue", "green", "yellow", "white", "black", "orange", "purple"],
  heldout: ["pink", "gray", "brown", "silver"],
};
// Each chain is smallest to largest, so any run of it nests naturally.
const CONTAINERS: Record<EntityFamily, string[][]> = {
  train: [
    ["ring", "box", "bag", "closet"],
    ["coin", "purse", "backpack", "car"],
    ["key", "envelope", "drawer", "desk"],
    ["marble", "cup", "basket", "cupboard"],
    ["pen", "pencil case", "suitcase", "attic"],
  ],
  heldout: [
    ["button", "tin", "crate", "shed"],
    ["letter", "folder", "cabinet", "office"],
  ],
};
const PLACES: Record<EntityFamily, string[]> = {
  train: ["school", "park", "bank", "library", "bakery", "post office", "museum", "church", "pool", "market"],
  heldout: ["harbor", "stadium", "cinema", "bus station"],
};

export const COMPASS = ["north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest"];
const STRAIGHT = ["north", "east", "south", "west"];

type LineRelation = [string, string, string];

/** A row of distinct items in a hidden order, described by one relation per neighbor pair. */
function lineItem(
  rng: Rng,
  items: string[],
  say: (a: string, rel: string, b: string) => string,
  words: [string, string],
  ask: "first" | "last" | "middle" | "next",
  question: (target?: string) => string,
  outsider?: string,
): ProbeDraft {
  const stated = items.slice(0, -1).map((a, i) => {
    const b = items[i + 1] as string;
    // items[] runs from first to last (left→right or top→bottom); state it either way round.
    return rng.chance(0.5) ? ([a, words[0], b] as LineRelation) : ([b, words[1], a] as LineRelation);
  });
  let answer: string;
  let target: string | undefined;
  if (ask === "first") answer = items[0] as string;
  else if (ask === "last") answer = items[items.length - 1] as string;
  else if (ask === "middle") answer = items[1] as string;
  else {
    const i = rng.int(0, items.length - 2);
    target = items[i];
    answer = items[i + 1] as string;
  }
  const pool = outsider ? [...items, outsider] : items;
  return {
    context: rng.shuffle(stated.map(([a, rel, b]) => say(a, rel, b))).join(" "),
    question: question(target),
    answer,
    distractors: pickOthers(rng, pool, [answer]),
    meta: { relations: stated, ask: target ? ["next", target] : ask },
  };
}

function shelfItem(rng: Rng, family: EntityFamily, ask: "first" | "last" | "next"): ProbeDraft {
  const items = rng.sample(OBJECTS[family], 4);
  const say = (a: string, rel: string, b: string) => `The ${a} is to the ${rel} of the ${b}.`;
  const question = (target?: string) =>
    ask === "first"
      ? "Which object on the shelf is furthest to the left?"
      : ask === "last"
        ? "Which object on the shelf is furthest to the right?"
        : `Which object is just to the right of the ${target}?`;
  const draft = lineItem(rng, items, say, ["left", "right"], ask, question);
  return { ...draft, answer: `the ${draft.answer}`, distractors: draft.distractors.map((d) => `the ${d}`) };
}

function stackItem(rng: Rng, family: EntityFamily, ask: "first" | "last"): ProbeDraft {
  const colors = rng.sample(COLORS[family], 4);
  const say = (a: string, rel: string, b: string) => `The ${a} block is ${rel === "above" ? "on top of" : "under"} the ${b} block.`;
  const question = () => (ask === "first" ? "Which block is at the top of the stack?" : "Which block is at the bottom of the stack?");
  const draft = lineItem(rng, colors, say, ["above", "below"], ask, question);
  return { ...draft, answer: `the ${draft.answer} block`, distractors: draft.distractors.map((d) => `the ${d} block`) };
}

function seatItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const names = rng.sample(people(family), 4).map((p) => p.name);
  const say = (a: string, rel: string, b: string) => `${a} sits to the ${rel} of ${b}.`;
  return lineItem(rng, names.slice(0, 3), say, ["left", "right"], "middle", () => "Who sits in the middle?", names[3]);
}

function insideItem(rng: Rng, family: EntityFamily, ask: "outermost" | "directly"): ProbeDraft {
  const chain = rng.pick(CONTAINERS[family]);
  const stated: LineRelation[] = chain.slice(0, -1).map((a, i) => [a, "in", chain[i + 1] as string]);
  const answer = ask === "outermost" ? chain[chain.length - 1] : chain[1];
  return {
    context: rng.shuffle(stated.map(([a, , b]) => `The ${a} is in the ${b}.`)).join(" "),
    question: ask === "outermost" ? "Which thing holds all the others?" : `What is the ${chain[0]} directly inside?`,
    answer: `the ${answer}`,
    // Asking what holds chain[0], chain[0] itself is no answer: use a container from another chain.
    distractors: (ask === "outermost"
      ? chain.filter((c) => c !== answer)
      : [...chain.slice(2), rng.pick(otherContainers(chain, family))]
    ).map((c) => `the ${c}`),
    meta: { relations: stated, ask: ask === "outermost" ? "outermost" : ["directly-in", chain[0]] },
  };
}

function otherContainers(chain: string[], family: EntityFamily): string[] {
  return CONTAINERS[family].filter((c) => c !== chain).flatMap((c) => c.slice(1));
}

type Turn = "left" | "right" | "around";
function turnItem(rng: Rng, family: EntityFamily, degrees: boolean): ProbeDraft {
  const person = rng.pick(people(family));
  const start = rng.int(0, 3);
  const n = degrees ? 1 : rng.int(1, 3);
  const turns: Turn[] = Array.from({ length: n }, () =>
    rng.pick(degrees ? ["left", "right"] : ["left", "right", "right", "left", "around"]),
  );
  const angle = degrees ? rng.pick([90, 180, 270]) : 90;
  const quarterTurns = turns.reduce((q, t) => q + (t === "left" ? -1 : t === "right" ? 1 : 2) * (angle / 90), 0);
  const answer = STRAIGHT[(((start + quarterTurns) % 4) + 4) % 4] as string;
  const phrase = (t: Turn) => (t === "around" ? "turns around" : `turns ${t}`);
  const moves = degrees ? `turns ${angle} degrees to the ${turns[0]}` : turns.map(phrase).join(", then ");
  return {
    question: `${person.name} is facing ${STRAIGHT[start]} and ${moves}. Which direction is ${person.he} facing now?`,
    answer,
    distractors: STRAIGHT.filter((d) => d !== answer),
    meta: { start: STRAIGHT[start], turns: degrees ? [[turns[0], angle]] : turns },
  };
}

const VECTORS: Record<string, [number, number]> = { north: [0, 1], east: [1, 0], south: [0, -1], west: [-1, 0] };

function directionOf(dx: number, dy: number): string {
  const ns = dy > 0 ? "north" : dy < 0 ? "south" : "";
  const ew = dx > 0 ? "east" : dx < 0 ? "west" : "";
  return ns + ew;
}

function walkItem(rng: Rng, family: EntityFamily, ask: "direction" | "distance"): ProbeDraft {
  const person: Person = rng.pick(people(family));
  for (;;) {
    const headings = rng.sample(STRAIGHT, rng.int(2, 3));
    const legs = headings.map((h) => [rng.int(1, 9), h] as [number, string]);
    const [dx, dy] = legs.reduce(
      ([x, y], [k, h]) => [x + k * (VECTORS[h] as [number, number])[0], y + k * (VECTORS[h] as [number, number])[1]],
      [0, 0],
    );
    // Only a straight or exactly diagonal result has one right compass answer.
    if ((dx === 0 && dy === 0) || (ask === "direction" && dx !== 0 && dy !== 0 && Math.abs(dx) !== Math.abs(dy))) continue;
    const route = legs.map(([k, h]) => `${k} block${k === 1 ? "" : "s"} ${h}`);
    const walk = `${person.name} walks ${route.slice(0, -1).join(", ")}${route.length > 2 ? "," : ""} and then ${route[route.length - 1]}.`;
    if (ask === "direction") {
      const answer = directionOf(dx, dy);
      return {
        question: `${walk} In which direction is ${person.he} now from where ${person.he} started?`,
        answer,
        distractors: pickOthers(rng, COMPASS, [answer]),
        meta: { legs, ask },
      };
    }
    const distance = Math.abs(dx) + Math.abs(dy);
    const total = legs.reduce((s, [k]) => s + k, 0);
    return {
      question: `${walk} How many blocks does ${person.he} have to walk to get back to the start?`,
      answer: String(distance),
      distractors: numericDistractors(rng, distance, [total, Math.abs(dx), Math.abs(dy), distance + 2], 1).map(String),
      meta: { legs, ask },
    };
  }
}

function mapItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const [a, b, c] = rng.sample(PLACES[family], 3) as [string, string, string];
  const vertical = rng.pick(["north", "south"]);
  const horizontal = rng.pick(["east", "west"]);
  const [first, second] = rng.chance(0.5) ? [vertical, horizontal] : [horizontal, vertical];
  // b is `first` of a; c is `second` of b. Ask where c is from a, or a from c.
  const relations = [
    [b, first, a],
    [c, second, b],
  ];
  const forward = rng.chance(0.5);
  const [x, y] = forward ? [c, a] : [a, c];
  const answer = forward
    ? directionOf(...vectorOf(vertical, horizontal))
    : directionOf(...(vectorOf(vertical, horizontal).map((v) => -v) as [number, number]));
  return {
    context: `The ${b} is ${first} of the ${a}. The ${c} is ${second} of the ${b}.`,
    question: `In which direction is the ${x} from the ${y}?`,
    answer,
    distractors: pickOthers(rng, COMPASS, [answer]),
    meta: { relations, ask: [x, y] },
  };
}

function vectorOf(vertical: string, horizontal: string): [number, number] {
  return [(VECTORS[horizontal] as [number, number])[0], (VECTORS[vertical] as [number, number])[1]];
}

function areaItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const w = rng.int(2, 12);
  const h = rng.int(2, 12);
  const thing = family === "train" ? rng.pick(["garden", "room", "field", "rug", "table", "poster"]) : rng.pick(["balcony", "pond"]);
  const area = w * h;
  const unit = (n: number) => `${n} square meters`;
  return {
    question: `A rectangular ${thing} is ${w} meters long and ${h} meters wide. What is its area?`,
    answer: unit(area),
    distractors: numericDistractors(rng, area, [2 * (w + h), w + h, area + w, area - h], 1).map(unit),
    meta: { shape: "rectangle", length: w, width: h, ask: "area" },
  };
}

function perimeterItem(rng: Rng, family: EntityFamily): ProbeDraft {
  const side = rng.int(2, 25);
  const thing = family === "train" ? rng.pick(["tile", "window", "napkin", "sandbox", "frame", "board"]) : rng.pick(["mat", "pillow"]);
  const perimeter = 4 * side;
  const unit = (n: number) => `${n} centimeters`;
  return {
    question: `A square ${thing} has sides of ${side} centimeters. What is its perimeter?`,
    answer: unit(perimeter),
    distractors: numericDistractors(rng, perimeter, [side * side, 2 * side, 3 * side, perimeter + side], 1).map(unit),
    meta: { shape: "square", side, ask: "perimeter" },
  };
}

const t = (id: string, make: ProbeTemplate["make"], heldOut = false): ProbeTemplate => ({ id, make, heldOut });

export const spatial: ProbeGenerator = {
  ability: "spatial",
  heldOutEntities: "held-out objects, colors, containers, places and names",
  templates: [
    t("shelf-left", (rng, f) => shelfItem(rng, f, "first")),
    t("shelf-right", (rng, f) => shelfItem(rng, f, "last")),
    t("shelf-next", (rng, f) => shelfItem(rng, f, "next")),
    t("stack-top", (rng, f) => stackItem(rng, f, "first")),
    t("stack-bottom", (rng, f) => stackItem(rng, f, "last")),
    t("inside-outer", (rng, f) => insideItem(rng, f, "outermost")),
    t("inside-direct", (rng, f) => insideItem(rng, f, "directly")),
    t("turns", (rng, f) => turnItem(rng, f, false)),
    t("walk-direction", (rng, f) => walkItem(rng, f, "direction")),
    t("walk-distance", (rng, f) => walkItem(rng, f, "distance")),
    t("map", (rng, f) => mapItem(rng, f)),
    t("area", (rng, f) => areaItem(rng, f)),
    t("perimeter", (rng, f) => perimeterItem(rng, f)),
    t("seating-held", (rng, f) => seatItem(rng, f), true),
    t("degrees-held", (rng, f) => turnItem(rng, f, true), true),
  ],
};
