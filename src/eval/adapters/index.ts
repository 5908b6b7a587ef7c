import { BprofError } from "../../errors.js";
import type { LoadedSpec } from "../spec.js";
import type { BenchmarkAdapter } from "./adapter.js";
import { arcAdapter } from "./arc.js";
import { bbhAdapter } from "./bbh.js";
import { boolqAdapter } from "./boolq.js";
import { genericAdapter } from "./generic.js";
import { gsm8kAdapter } from "./gsm8k.js";
import { hellaswagAdapter } from "./hellaswag.js";
import { lmEvalAdapter } from "../lm-eval-task/adapter.js";
import { mmluAdapter } from "./mmlu.js";
import { piqaAdapter } from "./piqa.js";
import { truthfulqaMc1Adapter, truthfulqaMc2Adapter } from "./truthfulqa.js";
import { winograndeAdapter } from "./winogrande.js";

const ADAPTERS: BenchmarkAdapter[] = [
  arcAdapter,
  bbhAdapter,
  boolqAdapter,
  genericAdapter,
  gsm8kAdapter,
  hellaswagAdapter,
  lmEvalAdapter,
  mmluAdapter,
  piqaAdapter,
  truthfulqaMc1Adapter,
  truthfulqaMc2Adapter,
  winograndeAdapter,
];

export const ADAPTER_NAMES = ADAPTERS.map((a) => a.name);

export function getAdapter(loaded: LoadedSpec): BenchmarkAdapter {
  const name = loaded.spec.adapter;
  const adapter = ADAPTERS.find((a) => a.name === name);
  const where = { file: loaded.path, line: loaded.fieldLines.adapter, field: "adapter" };
  if (!adapter) throw new BprofError(`unknown adapter '${name}' (known: ${ADAPTER_NAMES.join(", ")})`, where);
  const template = { file: loaded.path, line: loaded.fieldLines.template ?? loaded.fieldLines.adapter, field: "template" };
  if (name === "generic" && !loaded.spec.template) throw new BprofError("the generic adapter needs a template", template);
  if (name !== "generic" && loaded.spec.template)
    throw new BprofError(`a template only applies to the generic adapter, not '${name}'`, template);
  if (adapter.task && adapter.task !== loaded.spec.task) {
    throw new BprofError(`adapter '${name}' produces ${adapter.task} items, but the spec's task is ${loaded.spec.task}`, where);
  }
  return adapter;
}
