import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { BprofError } from "../errors.js";
import { defaultAbilitiesDir } from "./paths.js";
import { AbilitySchema, type Ability } from "./schema.js";
import { parseWithSchema } from "../util/schema.js";

export function loadAbilityFile(file: string): Ability {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    const line = err instanceof YAMLParseError ? err.linePos?.[0]?.line : undefined;
    throw new BprofError(`malformed YAML (${(err as Error).message.split("\n")[0]})`, { file, line });
  }
  const ability = parseWithSchema(AbilitySchema, parsed, { file });
  const expectedId = basename(file).replace(/\.ya?ml$/, "");
  if (ability.id !== expectedId) {
    throw new BprofError(`id ${JSON.stringify(ability.id)} does not match the file name (${expectedId})`, { file, field: "id" });
  }
  return ability;
}

/**
 * Every <id>.yaml in a directory, sorted by id. The default is the ten shipped abilities;
 * a user points this at their own directory to replace or extend them.
 */
export function loadAbilities(dir: string = defaultAbilitiesDir()): Ability[] {
  if (!existsSync(dir)) throw new BprofError("abilities directory not found", { file: dir });
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (files.length === 0) throw new BprofError("no ability files (*.yaml) in directory", { file: dir });
  return files.map((name) => loadAbilityFile(join(dir, name)));
}
