import { z } from "zod";

/**
 * An lm-evaluation-harness task config (lm_eval/api/task.py's TaskConfig) after its include
 * chain is merged: the keys bprof reads, with the types lm-eval's YAML files give them. Keys
 * lm-eval knows but bprof cannot honour are refused by name (unsupported.ts); a key neither
 * knows is refused too, as lm-eval's TaskConfig(**config) refuses it.
 */

/** `!function module.name` in a task file: a Python callable, which bprof has only as a built-in. */
export const functionRefSchema = z.strictObject({ function: z.string().min(1), file: z.string(), line: z.number().int() });
export type FunctionRef = z.infer<typeof functionRefSchema>;

/** doc_to_text / doc_to_target: a Jinja template, a field name, an integer literal, or a function. */
const docFieldSchema = z.union([z.string(), z.number().int(), functionRefSchema]);
/** doc_to_choice: also a literal list of choices, or a dict whose values are the choices. */
const docChoiceSchema = z.union([
  z.string(),
  z.array(z.union([z.string(), z.number()])),
  z.record(z.string(), z.string()),
  functionRefSchema,
]);

const metricSchema = z.looseObject({
  metric: z.union([z.string(), functionRefSchema]),
  aggregation: z.union([z.string(), functionRefSchema]).optional(),
  higher_is_better: z.boolean().optional(),
  ignore_case: z.boolean().optional(),
  ignore_punctuation: z.boolean().optional(),
  regexes_to_ignore: z.array(z.string()).optional(),
});
export type LmEvalMetric = z.infer<typeof metricSchema>;

const filterFunctionSchema = z.looseObject({
  function: z.string(),
  regex_pattern: z.string().optional(),
  group_select: z.number().int().optional(),
  fallback: z.string().optional(),
});
const filterSchema = z.strictObject({ name: z.string().min(1), filter: z.array(filterFunctionSchema).min(1) });
export type LmEvalFilter = z.infer<typeof filterSchema>;

const splitName = z.string().nullable().optional();

export const lmEvalTaskSchema = z.strictObject({
  task: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.', '-' only"),
  task_alias: z.string().optional(),
  tag: z.union([z.string(), z.array(z.string())]).optional(),
  /** Older task files use `group` where newer ones say `tag`. */
  group: z.union([z.string(), z.array(z.string())]).optional(),
  dataset_path: z.string().min(1),
  dataset_name: z.string().nullable().optional(),
  dataset_kwargs: z
    .looseObject({
      data_files: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]).optional(),
    })
    .nullable()
    .optional(),
  training_split: splitName,
  validation_split: splitName,
  test_split: splitName,
  fewshot_split: splitName,
  process_docs: functionRefSchema.optional(),
  doc_to_text: docFieldSchema.optional(),
  doc_to_target: docFieldSchema.optional(),
  doc_to_choice: docChoiceSchema.nullable().optional(),
  process_results: functionRefSchema.optional(),
  description: z.string().default(""),
  target_delimiter: z.string().default(" "),
  fewshot_delimiter: z.string().default("\n\n"),
  fewshot_config: z.looseObject({ sampler: z.string().default("default") }).optional(),
  num_fewshot: z.number().int().min(0).nullable().optional(),
  metric_list: z.array(metricSchema).optional(),
  output_type: z.enum(["multiple_choice", "generate_until", "loglikelihood", "loglikelihood_rolling"]).default("generate_until"),
  generation_kwargs: z
    .looseObject({
      until: z.union([z.string(), z.array(z.string())]).optional(),
      max_gen_toks: z.number().int().positive().optional(),
      do_sample: z.boolean().optional(),
      temperature: z.number().optional(),
    })
    .nullable()
    .optional(),
  repeats: z.number().int().positive().default(1),
  filter_list: z.array(filterSchema).nullable().optional(),
  should_decontaminate: z.boolean().optional(),
  doc_to_decontamination_query: z.union([z.string(), functionRefSchema]).optional(),
  unsafe_code: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  // Known to lm-eval, refused by unsupported.ts when set:
  custom_dataset: z.unknown().optional(),
  doc_to_image: z.unknown().optional(),
  doc_to_audio: z.unknown().optional(),
  use_prompt: z.unknown().optional(),
  gen_prefix: z.unknown().optional(),
  multiple_inputs: z.unknown().optional(),
  multiple_targets: z.unknown().optional(),
});
export type LmEvalTaskConfig = z.infer<typeof lmEvalTaskSchema>;

/** A group file: `group: name` with `task: [member, …]` (lm-eval's ConfigurableGroup). */
export const lmEvalGroupSchema = z.looseObject({
  group: z.string(),
  task: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
});
