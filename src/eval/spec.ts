import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument, isNode } from "yaml";
import { z } from "zod";
import { BprofError } from "../errors.js";
import { decodeUtf8 } from "../util/read-utf8.js";
import { sha256Hex, stableJson } from "../util/hash.js";
import { parseWithSchema } from "../util/schema.js";
import { compileRegex } from "./python-regex.js";

/**
 * A benchmark spec: the YAML file that says where a benchmark's data is, how to read it and
 * how to score it. Keys follow lm-evaluation-harness's task yamls where one exists
 * (num_fewshot lives under `fewshot.n`, `target_delimiter`, `fewshot_delimiter`,
 * `description`, `generation.until`, `generation.max_gen_toks`, `apply_chat_template`).
 */

const regexStep = z.strictObject({
  function: z.literal("regex"),
  /** JavaScript regex source; a leading inline flag group such as `(?s)` is accepted. */
  pattern: z.string(),
  /** Which match to keep: 0 the first, -1 the last (lm-eval's group_select). */
  group_select: z.number().int().default(0),
  fallback: z.string().default("[invalid]"),
});
const filterStep = z.discriminatedUnion("function", [
  regexStep,
  z.strictObject({ function: z.literal("remove_whitespace") }),
  z.strictObject({ function: z.literal("lowercase") }),
  z.strictObject({ function: z.literal("uppercase") }),
]);
export type FilterStep = z.infer<typeof filterStep>;

const filterSchema = z.strictObject({ name: z.string().min(1), steps: z.array(filterStep) });
export type AnswerFilter = z.infer<typeof filterSchema>;

const exactMatchSchema = z.strictObject({
  ignore_case: z.boolean().default(false),
  ignore_punctuation: z.boolean().default(false),
  /** Removed from prediction and reference alike before comparing (lm-eval's regexes_to_ignore). */
  regexes_to_ignore: z.array(z.string()).default([]),
});
export type ExactMatchOptions = z.infer<typeof exactMatchSchema>;

/** The generic adapter's templates: `{{field}}`, `{{a.b}}`, `{{list.0}}` (see template.ts). */
const templateSchema = z.strictObject({
  id: z.string().optional(),
  query: z.string(),
  /** Either the name of a field holding a list of choices, or one template per choice. */
  choices: z.union([z.string(), z.array(z.string()).min(2)]).optional(),
  /** Renders to a choice index, a label from gold_labels, or the text of the right choice. */
  gold: z.string().optional(),
  gold_labels: z.array(z.string()).optional(),
  target: z.string().optional(),
  group: z.string().optional(),
});
export type GenericTemplate = z.infer<typeof templateSchema>;

export const METRICS = ["acc", "acc_norm", "mc2", "exact_match", "perplexity"] as const;
export type MetricName = (typeof METRICS)[number];

export const benchmarkSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.', '-' only"),
    /** loglikelihood (lm-eval's output_type): one continuation per item, scored by acc (greedy) and perplexity. */
    task: z.enum(["multiple_choice", "generate_until", "loglikelihood"]),
    adapter: z.string().min(1),
    /** The data file (or MMLU's directory of CSVs), relative to the spec file. */
    data: z.string().min(1),
    /** Line-aligned labels file (PIQA, WinoGrande); defaults to the authors' sibling file. */
    labels: z.string().optional(),
    /** Generic adapter: file format, taken from the extension when absent. */
    format: z.enum(["jsonl", "csv", "json"]).optional(),
    /** Generic adapter: column names of a CSV without a header row. */
    csv_columns: z.array(z.string()).optional(),
    template: templateSchema.optional(),
    description: z.string().default(""),
    target_delimiter: z.string().default(" "),
    fewshot_delimiter: z.string().default("\n\n"),
    fewshot: z
      .strictObject({
        n: z.number().int().min(0).default(0),
        /** File (relative to the spec) the examples come from; the evaluated data itself when absent. */
        source: z.string().optional(),
        sampler: z.enum(["random", "first_n"]).default("random"),
        seed: z.number().int().default(1234),
      })
      .default({ n: 0, sampler: "random", seed: 1234 }),
    metrics: z.array(z.enum(METRICS)).min(1),
    /** The metric whose per-item score the profile pipeline uses; the first metric when absent. */
    primary_metric: z.string().optional(),
    exact_match: exactMatchSchema.default({ ignore_case: false, ignore_punctuation: false, regexes_to_ignore: [] }),
    filters: z.array(filterSchema).optional(),
    /** Chance level; derived from the choices for multiple choice, 0 for generation, unless given. */
    chance: z.number().min(0).max(1).optional(),
    limit: z.number().int().positive().optional(),
    /** A planted benchmark's known make-up: ability id → share of its items (benchmarks/planted). */
    mixture: z.record(z.string(), z.number().positive().max(1)).optional(),
    apply_chat_template: z.boolean().default(false),
    /** lm-eval's --system_instruction: before the description, or the chat template's system turn. */
    system_instruction: z.string().optional(),
    generation: z
      .strictObject({
        until: z.array(z.string()).default([]),
        max_gen_toks: z.number().int().positive().default(256),
      })
      .default({ until: [], max_gen_toks: 256 }),
  })
  .superRefine((spec, ctx) => {
    const fitting: Record<BenchmarkSpecTask, MetricName[]> = {
      multiple_choice: ["acc", "acc_norm", "mc2"],
      generate_until: ["exact_match"],
      loglikelihood: ["acc", "perplexity"],
    };
    spec.metrics.forEach((metric, index) => {
      const fits = fitting[spec.task].includes(metric);
      if (!fits)
        ctx.addIssue({ code: "custom", path: ["metrics", index], message: `metric '${metric}' does not apply to task '${spec.task}'` });
    });
    // Whether the adapter takes a template is checked with the adapter (adapters/index.ts), so an
    // unknown adapter is reported as such rather than blamed on its template.
    spec.filters?.forEach((filter, f) =>
      filter.steps.forEach((step, i) => {
        if (step.function === "regex") checkPattern(ctx, step.pattern, ["filters", f, "steps", i, "pattern"]);
      }),
    );
    spec.exact_match.regexes_to_ignore.forEach((pattern, i) => checkPattern(ctx, pattern, ["exact_match", "regexes_to_ignore", i]));
    const keys = metricKeys(spec);
    if (spec.primary_metric !== undefined && !keys.includes(spec.primary_metric)) {
      ctx.addIssue({ code: "custom", path: ["primary_metric"], message: `'${spec.primary_metric}' is not one of ${keys.join(", ")}` });
    }
    if (spec.task === "generate_until" && spec.fewshot.n > 0 && spec.generation.until.length === 0) {
      ctx.addIssue({ code: "custom", path: ["generation", "until"], message: "few-shot generation needs stop sequences" });
    }
  });

export type BenchmarkSpec = z.infer<typeof benchmarkSpecSchema>;
type BenchmarkSpecTask = "multiple_choice" | "generate_until" | "loglikelihood";

/** A regular expression of the spec compiles now, not after every item has been generated. */
function checkPattern(ctx: z.RefinementCtx, pattern: string, path: (string | number)[]): void {
  try {
    compileRegex(pattern);
  } catch (err) {
    ctx.addIssue({ code: "custom", path, message: `not a valid regular expression: ${(err as Error).message}` });
  }
}

/** Metric keys as results report them: "acc", or "exact_match,<filter>" per answer filter. */
export function metricKeys(spec: Pick<BenchmarkSpec, "metrics" | "filters">): string[] {
  return spec.metrics.flatMap((metric) =>
    metric === "exact_match" && spec.filters?.length ? spec.filters.map((filter) => `exact_match,${filter.name}`) : [metric],
  );
}

/** The metric whose per-item score stands for the item (the spec's choice, else the first). */
export function primaryMetricKey(spec: BenchmarkSpec): string {
  return spec.primary_metric ?? metricKeys(spec)[0]!;
}

export interface LoadedSpec {
  spec: BenchmarkSpec;
  /** Absolute path of the spec file; data paths resolve against its directory. */
  path: string;
  /** sha256 of the spec's parsed content (comments and key order do not change it). */
  hash: string;
  /** Line of each top-level key in the file, for errors found after parsing. */
  fieldLines: Record<string, number>;
}

export function loadBenchmarkSpec(path: string): LoadedSpec {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (err) {
    throw new BprofError(`cannot read benchmark spec (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file: path });
  }
  const text = decodeUtf8(bytes, absolute);
  return parseBenchmarkSpec(text, absolute);
}

export function parseBenchmarkSpec(text: string, path: string): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new BprofError(`invalid YAML: ${yamlError.message.split("\n")[0]}`, { file: path, line: yamlError.linePos?.[0].line });
  }
  const spec = parseWithSchema(benchmarkSpecSchema, doc.toJS(), {
    file: path,
    lineOf: (issuePath) => lineOfPath(doc, lineCounter, issuePath),
  });
  const fieldLines: Record<string, number> = {};
  for (const key of Object.keys(spec)) {
    const line = lineOfPath(doc, lineCounter, [key]);
    if (line !== undefined) fieldLines[key] = line;
  }
  return { spec, path, hash: sha256Hex(stableJson(spec)), fieldLines };
}

/** Resolve a path written in a spec against the spec's directory. */
export function resolveSpecPath(loaded: LoadedSpec, relative: string): string {
  return resolve(dirname(loaded.path), relative);
}

/** Line of the deepest YAML node on the issue's path that exists (a missing key points at its parent). */
function lineOfPath(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
