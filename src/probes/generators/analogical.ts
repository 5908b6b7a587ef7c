import { pickOthers } from "../distractors.js";
import { parseRows } from "../facts/parse.js";
import { fill } from "../text.js";
import type { EntityFamily, ProbeGenerator, ProbeTemplate } from "./types.js";

/**
 * "A is to B as C is to ?" over word relations (opposites, young animals, sounds, tools,
 * workplaces, plurals, past tenses, female forms, comparatives, homes). The last three
 * pairs of every relation are held out: only held-out test items ask about them.
 */
const pairs = (table: string): [string, string][] => parseRows(table.replace(/,/g, "\n"), 2) as [string, string][];

export const ANALOGY_RELATIONS: Record<string, [string, string][]> = {
  opposite: pairs(
    "hot|cold, big|small, fast|slow, happy|sad, light|dark, early|late, full|empty, hard|soft, loud|quiet, rich|poor, wet|dry, tall|short, thick|thin, strong|weak, clean|dirty, push|pull, win|lose, day|night, up|down, buy|sell, inside|outside, first|last, sweet|sour, true|false",
  ),
  young: pairs(
    "dog|puppy, cat|kitten, cow|calf, sheep|lamb, horse|foal, duck|duckling, frog|tadpole, bear|cub, goose|gosling, pig|piglet, hen|chick, owl|owlet, goat|kid, eagle|eaglet, deer|fawn, kangaroo|joey, swan|cygnet",
  ),
  sound: pairs(
    "dog|bark, cat|meow, cow|moo, lion|roar, duck|quack, sheep|baa, horse|neigh, pig|oink, snake|hiss, bee|buzz, owl|hoot, frog|croak, mouse|squeak, wolf|howl, crow|caw, donkey|bray",
  ),
  tool: pairs(
    "painter|brush, carpenter|hammer, writer|pen, barber|scissors, photographer|camera, surgeon|scalpel, tailor|needle, plumber|wrench, gardener|rake, knight|sword, archer|bow, miner|pickaxe, astronomer|telescope, woodcutter|axe, drummer|drumsticks",
  ),
  workplace: pairs(
    "teacher|school, doctor|hospital, farmer|farm, judge|courtroom, librarian|library, actor|theater, baker|bakery, mechanic|garage, waiter|restaurant, banker|bank, pilot|cockpit, sailor|ship, chef|kitchen, scientist|laboratory, pharmacist|pharmacy, monk|monastery",
  ),
  plural: pairs(
    "mouse|mice, child|children, foot|feet, tooth|teeth, man|men, woman|women, person|people, leaf|leaves, knife|knives, box|boxes, city|cities, baby|babies, wolf|wolves, ox|oxen, goose|geese, cactus|cacti",
  ),
  past: pairs(
    "go|went, eat|ate, run|ran, see|saw, swim|swam, sing|sang, write|wrote, take|took, give|gave, fly|flew, drink|drank, buy|bought, think|thought, teach|taught, sleep|slept, speak|spoke, break|broke, drive|drove, ride|rode, fall|fell, grow|grew, catch|caught, choose|chose, throw|threw",
  ),
  female: pairs(
    "king|queen, prince|princess, actor|actress, uncle|aunt, brother|sister, father|mother, son|daughter, husband|wife, boy|girl, bull|cow, rooster|hen, groom|bride, waiter|waitress, nephew|niece, lion|lioness, emperor|empress, duke|duchess",
  ),
  comparative: pairs(
    "good|better, bad|worse, big|bigger, small|smaller, fast|faster, happy|happier, hot|hotter, cold|colder, young|younger, tall|taller, easy|easier, thin|thinner, strong|stronger, busy|busier, far|farther, wise|wiser",
  ),
  home: pairs(
    "bird|nest, bee|hive, spider|web, rabbit|burrow, horse|stable, pig|sty, dog|kennel, fox|den, chicken|coop, bat|cave, ant|anthill, beaver|lodge",
  ),
};

const HELD_OUT_PAIRS = 3;
const familyPairs = (relation: string, family: EntityFamily) => {
  const all = ANALOGY_RELATIONS[relation] as [string, string][];
  return family === "train" ? all.slice(0, -HELD_OUT_PAIRS) : all.slice(-HELD_OUT_PAIRS);
};

function analogyTemplate(id: string, question: string, reversed: boolean, heldOut = false): ProbeTemplate {
  return {
    id,
    heldOut,
    make(rng, family) {
      const relation = rng.pick(Object.keys(ANALOGY_RELATIONS));
      const all = ANALOGY_RELATIONS[relation] as [string, string][];
      const [c, d] = rng.pick(familyPairs(relation, family));
      // The example pair comes from train pairs and must differ from the query on both sides.
      const example = rng.pick(familyPairs(relation, "train").filter(([x, y]) => x !== c && y !== d));
      const [a, b] = example;
      if (!reversed) {
        // Wrong: other targets of the relation, or the example's own target; never a valid target of c.
        const valid = all.filter(([x]) => x === c).map(([, y]) => y);
        const others = pickOthers(
          rng,
          all.map(([, y]) => y),
          [...valid, b],
          2,
        );
        const third = valid.includes(b)
          ? pickOthers(
              rng,
              all.map(([, y]) => y),
              [...valid, ...others],
              1,
            )
          : [b];
        return {
          question: fill(question, { a, b, c }),
          answer: d,
          distractors: [...others, ...third],
          meta: { relation, example: [a, b], query: c },
        };
      }
      // Reversed: "B is to A as D is to ?"; several sources can share a target (lion, bear → cub).
      const valid = all.filter(([, y]) => y === d).map(([x]) => x);
      const others = pickOthers(
        rng,
        all.map(([x]) => x),
        [...valid, a],
        2,
      );
      const third = valid.includes(a)
        ? pickOthers(
            rng,
            all.map(([x]) => x),
            [...valid, ...others],
            1,
          )
        : [a];
      return {
        question: fill(question, { a: b, b: a, c: d }),
        answer: c,
        distractors: [...others, ...third],
        meta: { relation, example: [a, b], query: d, reversed: true },
      };
    },
  };
}

export const analogical: ProbeGenerator = {
  ability: "analogical",
  heldOutEntities: "the last three word pairs of every relation",
  templates: [
    analogyTemplate("is-to", "Fill in: {a} is to {b} as {c} is to what?", false),
    analogyTemplate("colons", "Complete the analogy: {a} : {b} :: {c} : ?", false),
    analogyTemplate("goes-with", "The word {a} goes with {b} in the same way that {c} goes with what?", false),
    analogyTemplate("matches", "If {a} matches {b}, what does {c} match?", false),
    analogyTemplate("arrow", "Pattern: {a} → {b}, {c} → ?", false),
    analogyTemplate("relates", "Think about how {a} relates to {b}. Which word relates to {c} in the same way?", false),
    analogyTemplate("blank", "Fill in the blank: {a} is to {b} as {c} is to ___.", false),
    analogyTemplate("pair", "The pair {a} and {b} is like the pair {c} and what?", false),
    analogyTemplate("pattern-held", "Which word completes the pattern {a} - {b}, {c} - ?", false, true),
    // Held out by direction: the relation is read backwards (young → adult, tense → verb, ...).
    analogyTemplate("reversed-held", "Fill in: {a} is to {b} as {c} is to what?", true, true),
  ],
};
