/**
 * Write the planted benchmarks (src/organism/planted.ts) to benchmarks/planted/: one spec per
 * mixture and its data under data/; and each ability's test split as a spec in
 * benchmarks/abilities/. Deterministic: the same probes give the same files.
 *
 *   npx tsx scripts/make-planted-benchmarks.ts [--probes probes] [--out benchmarks/planted] [--abilities-out benchmarks/abilities]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { abilityBenchmark, PLANTED_BENCHMARKS, plantedRows, plantedSpecYaml } from "../src/organism/planted.js";
import { GENERATORS } from "../src/probes/generators/index.js";
import { defaultProbesDir } from "../src/probes/paths.js";
import { packageRoot } from "../src/util/package-root.js";

const { values: args } = parseArgs({
  options: {
    probes: { type: "string", default: defaultProbesDir() },
    out: { type: "string", default: join(packageRoot(), "benchmarks", "planted") },
    "abilities-out": { type: "string", default: join(packageRoot(), "benchmarks", "abilities") },
  },
});
const out = resolve(args.out!);
// Everything is built in memory first, so a bad probe file leaves no partial set.
const files = new Map<string, string>();
for (const definition of PLANTED_BENCHMARKS) {
  const rows = plantedRows(definition, resolve(args.probes!));
  files.set(join(out, "data", `${definition.name}.jsonl`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  files.set(join(out, `${definition.name}.yaml`), plantedSpecYaml(definition));
}
const abilitiesOut = resolve(args["abilities-out"]!);
for (const generator of GENERATORS) {
  const { yaml, rows } = abilityBenchmark(generator.ability, resolve(args.probes!));
  const name = `ability_${generator.ability.replaceAll("-", "_")}`;
  files.set(join(abilitiesOut, "data", `${name}.jsonl`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  files.set(join(abilitiesOut, `${name}.yaml`), yaml);
}
for (const [path, content] of files) writeFileAtomic(path, content);
process.stderr.write(
  `wrote ${PLANTED_BENCHMARKS.length} planted benchmarks to ${out} and ${GENERATORS.length} ability benchmarks to ${abilitiesOut}\n`,
);
