import type { ModelScoringLM } from "../eval/model-lm.js";
import type { LoadedModel } from "../model/load.js";
import type { ResolvedOptions } from "./run-options.js";
import type { RunStore, StageRef } from "./run-store.js";

/** What every stage of a running profile shares: the store, the loaded model, the options. */
export class RunContext {
  /** Stages this invocation has computed: done even under --force. */
  private readonly computed = new Set<string>();
  computedCount = 0;
  reusedCount = 0;

  constructor(
    readonly store: RunStore,
    readonly options: ResolvedOptions,
    /** Each stage's inputs by key (from the plan). */
    private readonly inputs: Map<string, Record<string, unknown>>,
    readonly loaded: LoadedModel,
    readonly lm: ModelScoringLM,
    readonly modelHash: string,
    readonly log: (message: string) => void,
  ) {}

  /** A stage is done when this run computed it, or the store holds it and --force was not given. */
  isDone(ref: StageRef): boolean {
    if (this.computed.has(ref.key)) return true;
    if (!this.options.force && this.store.has(ref)) {
      this.computed.add(ref.key);
      this.reusedCount++;
      return true;
    }
    return false;
  }

  /** Store a stage; `computedSeconds` is the work done before `write` (recorded in its marker). */
  async commit(ref: StageRef, write: (dir: string) => void | Promise<void>, computedSeconds = 0): Promise<void> {
    const inputs = this.inputs.get(ref.key);
    if (inputs === undefined) throw new Error(`no inputs recorded for stage ${ref.dir}`);
    await this.store.commit(ref, inputs, write, computedSeconds);
    this.computed.add(ref.key);
    this.computedCount++;
  }
}
