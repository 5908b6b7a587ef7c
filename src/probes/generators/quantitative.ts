import { numericDistractors } from "../distractors.js";
import type { Rng } from "../../util/prng.js";
import { capitalize, fill } from "../text.js";
import { people, type Person } from "../vocab.js";
import type { EntityFamily, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * Multi-step arithmetic word problems. `meta.steps` is the computation as a left-to-right
 * list of operations on the numbers in the text; `meta.unit` is "$" for money answers.
 */
export type Step = ["start" | "add" | "sub" | "mul" | "div", number];

const ITEMS: Record<EntityFamily, string[]> = {
  train: ["apples", "pencils", "stickers", "marbles", "cookies", "cards", "stamps", "shells", "books", "eggs", "balloons", "candies"],
  heldout: ["acorns", "postcards", "crayons", "beads"],
};
const PRODUCTS: Record<EntityFamily, string[]> = {
  train: ["toys", "bottles", "bricks", "cups", "chairs", "shoes"],
  heldout: ["lamps", "kites"],
};
const GOODS: Record<EntityFamily, string[]> = {
  train: ["notebooks", "sandwiches", "tickets", "pens", "mugs", "plants"],
  heldout: ["candles", "puzzles"],
};

function run(steps: Step[]): number {
  return steps.reduce((value, [op, n]) => {
    switch (op) {
      case "start":
        return n;
      case "add":
        return value + n;
      case "sub":
        return value - n;
      case "mul":
        return value * n;
      case "div":
        return value / n;
    }
  }, 0);
}

interface Problem {
  text: string;
  steps: Step[];
  mistakes: number[];
  money?: boolean;
}

interface Cast {
  p: Person;
  q: Person;
  items: string;
  products: string;
  goods: string;
}

function problemTemplate(id: string, build: (rng: Rng, cast: Cast) => Problem, heldOut = false): ProbeTemplate {
  return {
    id,
    heldOut,
    make(rng, family) {
      const [p, q] = rng.sample(people(family), 2) as [Person, Person];
      const cast = { p, q, items: rng.pick(ITEMS[family]), products: rng.pick(PRODUCTS[family]), goods: rng.pick(GOODS[family]) };
      const problem = build(rng, cast);
      const answer = run(problem.steps);
      const show = (n: number) => (problem.money ? `$${n}` : String(n));
      return {
        question: problem.text,
        answer: show(answer),
        distractors: numericDistractors(rng, answer, problem.mistakes).map(show),
        meta: { steps: problem.steps, ...(problem.money ? { unit: "$" } : {}) },
      };
    },
  };
}

const slots = (c: Cast, extra: Record<string, number>) => ({
  p: c.p.name,
  q: c.q.name,
  He: capitalize(c.p.he),
  he: c.p.he,
  items: c.items,
  products: c.products,
  goods: c.goods,
  ...extra,
});

export const quantitative: ProbeGenerator = {
  ability: "quantitative",
  heldOutEntities: "held-out names and objects (acorns, lamps, candles, ...)",
  templates: [
    problemTemplate("buy-give", (rng, c) => {
      const a = rng.int(5, 40),
        b = rng.int(2, 20),
        cc = rng.int(1, a + b - 1);
      return {
        text: fill(
          "{p} has {a} {items}. {He} buys {b} more and gives {c} to {q}. How many {items} does {p} have now?",
          slots(c, { a, b, c: cc }),
        ),
        steps: [
          ["start", a],
          ["add", b],
          ["sub", cc],
        ],
        mistakes: [a + b + cc, a + b, a - cc + b + 1, a - cc],
      };
    }),
    problemTemplate("boxes", (rng, c) => {
      const n = rng.int(2, 9),
        k = rng.int(3, 12),
        e = rng.int(1, n * k - 1);
      return {
        text: fill(
          "{p} buys {n} boxes of {items}. Each box holds {k}. {He} gives away {e}. How many {items} are left?",
          slots(c, { n, k, e }),
        ),
        steps: [
          ["start", n],
          ["mul", k],
          ["sub", e],
        ],
        mistakes: [n * k, n + k - e, n * k + e],
      };
    }),
    problemTemplate("change", (rng, c) => {
      const n = rng.int(2, 5),
        price = rng.int(2, 9),
        bill = n * price < 20 ? 20 : 50;
      return {
        text: fill(
          "{p} buys {n} {goods} for ${price} each and pays with a ${bill} bill. How much change does {p} get?",
          slots(c, { n, price, bill }),
        ),
        steps: [
          ["start", bill],
          ["sub", n * price],
        ],
        mistakes: [bill - price, n * price, bill - n - price],
        money: true,
      };
    }),
    problemTemplate("share", (rng, c) => {
      const k = rng.int(2, 6),
        each = rng.int(2, 9),
        e = rng.int(1, 5);
      return {
        text: fill(
          "{p} shares {a} {items} equally among {k} friends. Then {q} gives each friend {e} more. How many {items} does each friend have now?",
          slots(c, { a: k * each, k, e }),
        ),
        steps: [
          ["start", k * each],
          ["div", k],
          ["add", e],
        ],
        mistakes: [each, k * each + e, each + e * k, each - e],
      };
    }),
    problemTemplate("machine", (rng, c) => {
      const r = rng.int(4, 15),
        h = rng.int(2, 8),
        d = rng.int(1, Math.min(9, r * h - 1));
      return {
        text: fill(
          "A machine makes {r} {products} each hour. After {h} hours, {d} of them are broken. How many good {products} are there?",
          slots(c, { r, h, d }),
        ),
        steps: [
          ["start", r],
          ["mul", h],
          ["sub", d],
        ],
        mistakes: [r * h, r + h - d, r * h + d],
      };
    }),
    problemTemplate("more-than", (rng, c) => {
      const a = rng.int(3, 30),
        b = rng.int(2, 15);
      return {
        text: fill("{p} has {a} {items}. {q} has {b} more than {p}. How many {items} do they have together?", slots(c, { a, b })),
        steps: [
          ["start", a],
          ["mul", 2],
          ["add", b],
        ],
        mistakes: [a + b, 2 * a, a + 2 * b],
      };
    }),
    problemTemplate("times-as-many", (rng, c) => {
      const a = rng.int(4, 25),
        m = rng.int(2, 4);
      return {
        text: fill(
          "{p} reads {a} pages on Monday and {m} times as many pages on Tuesday. How many pages does {p} read on the two days?",
          slots(c, { a, m }),
        ),
        steps: [
          ["start", a],
          ["mul", m],
          ["add", a],
        ],
        mistakes: [a * m, a + m, a * (m - 1)],
      };
    }),
    problemTemplate("class", (rng, c) => {
      const g = rng.int(3, 8),
        k = rng.int(3, 6),
        x = rng.int(1, 6);
      return {
        text: fill(
          "{p}'s class has {g} groups of {k} students. {x} students are absent today. How many students are in class?",
          slots(c, { g, k, x }),
        ),
        steps: [
          ["start", g],
          ["mul", k],
          ["sub", x],
        ],
        mistakes: [g * k, g + k - x, g * k + x],
      };
    }),
    problemTemplate("half-rest", (rng, c) => {
      const rest = 2 * rng.int(3, 30),
        a = rng.int(2, 20);
      return {
        text: fill(
          "{p} had ${m}. {He} spent ${a} on lunch and then half of what was left on a book. How much money does {p} have now?",
          slots(c, { m: rest + a, a }),
        ),
        steps: [
          ["start", rest + a],
          ["sub", a],
          ["div", 2],
        ],
        mistakes: [(rest + a) / 2, rest, (rest + a) / 2 - a],
        money: true,
      };
    }),
    problemTemplate(
      "wage-held",
      (rng, c) => {
        const w = rng.int(5, 15),
          h = rng.int(2, 8),
          d = rng.int(2, 5);
        return {
          text: fill(
            "{p} earns ${w} an hour and works {h} hours a day for {d} days. How much does {p} earn in total?",
            slots(c, { w, h, d }),
          ),
          steps: [
            ["start", w],
            ["mul", h],
            ["mul", d],
          ],
          mistakes: [w * h, w * d, w + h + d, w * h * (d - 1)],
          money: true,
        };
      },
      true,
    ),
    problemTemplate(
      "start-held",
      (rng, c) => {
        const start = rng.int(10, 40),
          a = rng.int(2, start - 1),
          b = rng.int(2, 20);
        const now = start - a + b;
        return {
          text: fill(
            "{p} gave away {a} {items} and then bought {b} more. Now {p} has {c}. How many {items} did {p} have at the start?",
            slots(c, { a, b, c: now }),
          ),
          steps: [
            ["start", now],
            ["sub", b],
            ["add", a],
          ],
          mistakes: [now + b - a, now - a - b, now + a + b],
        };
      },
      true,
    ),
  ],
};
