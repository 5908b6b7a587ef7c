import { provenanceOf, writeMask, maskFromSelection, readMask } from "../masks/mask.js";
import { selectionScores, type SelectionScores } from "../masks/selection-scores.js";
import { candidateScoreSources, readImportanceManifest } from "../importance/importance-store.js";
import { ablationCount } from "../masks/ablation-count.js";
import { scoredParameterNames, type CandidateRequest } from "../importance/gradients.js";
import { inVariant } from "../masks/variant.js";
import { writeItemTexts } from "./profile-from-run.js";
import type { ScoreSource } from "../importance/score-source.js";
import type { AblationVariant } from "../masks/variant.js";
import { selectElements, type Control, type Selection } from "../masks/selection.js";
import { createProgress, type Progress } from "../util/progress.js";
import { importanceStore, type PlanMask, type PlanImportance, type PlanEvaluation } from "./run-plan.js";
import { planRef, type RunStore, type StageRef } from "./run-store.js";
import { importanceOfLoadedModel } from "../importance/run-importance.js";
import type { ProbeItem } from "../probes/schema.js";
import { applyMask } from "../masks/apply-mask.js";
import { summariseScores, writeEvaluation } from "../eval/evaluate.js";
import type { PreparedBenchmark } from "../eval/prepare.js";
import { scoreBenchmark } from "../eval/score.js";
import type { TokenizedBenchmark } from "../eval/tokenize.js";
import type { ModelScoringLM } from "../eval/model-lm.js";
import type { LoadedModel } from "../model/load.js";
import type { ResolvedOptions } from "./run-options.js";

/**
 * The three kinds of stage a profile run computes into its store: one ability's importance,
 * its masks (and the random controls), and every benchmark evaluated under one mask. Each
 * `ensure…`/`evaluate…` skips what the store already holds (RunContext.isDone) and commits what
 * it computes (RunContext.commit), so a re-run resumes where the last one stopped.
 */

/**
 * An ability's top (and bottom) masks in the store, selected from its importance where
 * missing; the importance is asked for (and computed if need be) only then.
 */
export async function ensureAbilityMasks(
  ctx: RunContext,
  importance: () => Promise<string>,
  otherImportances: () => Promise<string[]>,
  masks: PlanMask[],
): Promise<void> {
  const pending = masks.filter((m) => !ctx.isDone(planRef("mask", m)));
  if (pending.length === 0) return;
  const importanceDir = await importance();
  // Every mask of an ability shares one contrast (run-plan.ts): the others are needed only with one.
  const kind = pending.find((m) => m.contrast !== "none")?.contrast;
  const contrastWith = kind === undefined || kind === "none" ? null : { kind, dirs: await otherImportances() };
  const manifest = readImportanceManifest(importanceDir);
  const shapes = new Map(manifest.tensors.map((t) => [t.name, t.shape]));
  const provenance = provenanceOf(manifest);
  for (const variant of distinct(pending.map((m) => m.variant))) {
    const ofVariant = pending.filter((m) => m.variant === variant);
    const started = performance.now();
    const label = `select ${manifest.probes.ability} ${variant}`;
    // Every score of the scope (or, with a contrast, the contrastive scores, which depend on the
    // scope: each ability's scores are normalised over it), read only when needed.
    let all: SelectionScores | undefined;
    const allScores = (): SelectionScores => (all ??= selectionScores(importanceDir, contrastWith, variant));
    // The top and the bottom masks from the stored candidates of the scope when they hold
    // enough elements (the same selection as from every score), else from every score. The
    // candidates are the extremes of the ability's own scores: of no use to a contrast.
    const selections: Selection[] = [];
    for (const [extreme, masks] of [
      ["highest", ofVariant.filter((m) => m.control === "none")],
      ["lowest", ofVariant.filter((m) => m.control === "bottom")],
    ] as const) {
      if (masks.length === 0) continue;
      const n = Math.max(...masks.map((m) => ablationCount(m.k, manifest.nTotal, Number.MAX_SAFE_INTEGER)));
      const sources =
        (contrastWith === null ? candidateScoreSources(importanceDir, manifest, variant, extreme, n) : null) ?? allScores().sources;
      const controls: Control[] = extreme === "lowest" ? [{ kind: "bottom" }] : [];
      const made = select(ctx, label, sources, variant, manifest.nTotal, masks, controls);
      selections.push(...made.filter((s) => (extreme === "lowest" ? s.control.kind === "bottom" : s.control.kind === "none")));
    }
    const contrast = contrastWith === null ? null : allScores().contrast;
    // One pass over the scores selects every mask of the variant: each is charged its share.
    const share = (performance.now() - started) / 1000 / ofVariant.length;
    for (const mask of ofVariant) {
      const selection = selections.find((s) => s.k === mask.k && s.control.kind === mask.control)!;
      await ctx.commit(
        planRef("mask", mask),
        (dir) => writeMask(dir, maskFromSelection(selection, shapes, provenance, undefined, contrast)),
        share,
      );
    }
  }
}

/**
 * A random-control mask in the store. It depends on no ability: n (or what the method
 * selects, the same for any scores) elements drawn from the scope, so it is selected against
 * scores of zero read lazily, which costs no memory.
 */
export async function ensureRandomMask(ctx: RunContext, mask: PlanMask): Promise<void> {
  const ref = planRef("mask", mask);
  if (ctx.isDone(ref)) return;
  const { model, info } = ctx.loaded;
  const shapes = new Map([...model.params].map(([name, t]) => [name, [...t.shape]]));
  const zeros: ScoreSource[] = [...shapes].map(([name, shape]) => ({
    name,
    numel: shape.reduce((a, b) => a * b, 1),
    read: (_start: number, length: number) => new Float32Array(length),
  }));
  const started = performance.now();
  const selections = select(
    ctx,
    `select ${mask.name}`,
    zeros,
    mask.variant,
    info.numParameters,
    [mask],
    [{ kind: "random", seed: mask.seed! }],
  );
  const selection = selections.find((s) => s.control.kind === "random")!;
  await ctx.commit(ref, (dir) => writeMask(dir, maskFromSelection(selection, shapes, null)), (performance.now() - started) / 1000);
}

function select(
  ctx: RunContext,
  label: string,
  sources: ScoreSource[],
  variant: AblationVariant,
  nTotal: number,
  masks: PlanMask[],
  controls: Control[],
): Selection[] {
  let progress: Progress | undefined;
  const selections = selectElements({
    sources,
    variant,
    nTotal,
    ks: distinct(masks.map((m) => m.k)),
    method: masks[0]!.method,
    controls,
    onProgress: (elements, total) =>
      (progress ??= createProgress({ label, total, unit: "scores", quiet: ctx.options.quiet })).tick(elements),
  });
  progress?.done();
  return selections;
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** One ability's importance directory in the store, computed unless it is there; returns its path. */
export async function ensureImportance(ctx: RunContext, importance: PlanImportance, probes: ProbeItem[]): Promise<string> {
  const ref = planRef("importance", importance);
  if (!ctx.isDone(ref)) {
    const o = ctx.options;
    ctx.log(`importance of ${importance.ability}: ${probes.length} train items`);
    await ctx.commit(ref, (dir) => {
      importanceOfLoadedModel(ctx.loaded, probes, {
        ability: importance.ability,
        probesDir: o.probesDir,
        split: "train",
        lossScope: o.lossScope,
        aggregate: o.aggregate,
        score: o.score,
        batchSize: o.importanceBatchSize,
        batchTokens: o.importanceBatchTokens,
        ...storeOptions(ctx),
        // Resolved by the memory plan (run-profile.ts): "auto" is never left here.
        checkpointLayers: o.checkpointLayers === "on",
        limit: o.limit ?? undefined,
        systemPrompt: o.systemPrompt,
        templateDate: o.templateDate,
        truncate: o.truncate,
        out: dir,
        quiet: o.quiet,
        modelHash: ctx.modelHash,
      });
    });
  }
  return ctx.store.path(ref);
}

/** The importance run's keepScores and candidate requests (run-plan.ts importanceStore), sized on the loaded model. */
function storeOptions(ctx: RunContext): { keepScores: "f32" | "f16" | null; candidates: CandidateRequest[] } {
  const store = importanceStore(ctx.options);
  const { model, info } = ctx.loaded;
  const candidates: CandidateRequest[] = [];
  for (const variant of store.candidates?.variants ?? []) {
    const nScope = scoredParameterNames(model)
      .filter((name) => inVariant(name, variant))
      .reduce((s, name) => s + model.param(name).numel, 0);
    const n = ablationCount(store.candidates!.k, info.numParameters, nScope);
    candidates.push({ variant, n, extreme: "highest" });
    if (store.candidates!.bottom) candidates.push({ variant, n, extreme: "lowest" });
  }
  return { keepScores: store.scores, candidates };
}

/** A benchmark ready to score: loaded, rendered and tokenized once for the whole run. */
export interface ReadyBenchmark {
  name: string;
  prepared: PreparedBenchmark;
  tokenized: TokenizedBenchmark;
  /** The item limit it was prepared with (recorded in results.json). */
  limit: number | null;
}

/**
 * Every pending evaluation under one mask (or the base model when `mask` is null): the mask
 * is ablated in place once, every benchmark scored and stored with its per-item log, and the
 * weights restored exactly (restore() re-hashes the touched values and throws if they differ).
 */
export async function evaluateUnderMask(
  ctx: RunContext,
  mask: PlanMask | null,
  evaluations: PlanEvaluation[],
  benchmarks: Map<string, ReadyBenchmark>,
): Promise<void> {
  const pending = evaluations.filter((e) => !ctx.isDone(planRef("evaluation", e)));
  if (pending.length === 0) return;
  const o = ctx.options;
  const label = `eval ${mask?.name ?? "base"}`;
  const total = pending.reduce((s, e) => s + benchmarks.get(e.benchmark)!.tokenized.items.length, 0);
  ctx.log(`${label}: ${pending.length} benchmarks, ${total} items`);
  const progress = createProgress({ label, total, unit: "items", quiet: o.quiet });

  const maskData = mask ? readMask(ctx.store.path(planRef("mask", mask))) : null;
  const ablation = maskData ? applyMask(ctx.loaded.model.params, maskData) : null;
  try {
    for (const evaluation of pending) {
      const bench = benchmarks.get(evaluation.benchmark)!;
      let done = 0;
      const started = performance.now();
      const scores = await scoreBenchmark(ctx.lm, bench.tokenized, {
        sharedContext: o.sharedContext,
        batchSize: o.evalBatchSize,
        progress: (now) => {
          progress.tick(now - done);
          done = now;
        },
      });
      const result = summariseScores(bench.prepared, scores, {
        sharedContext: o.sharedContext,
        addBos: bench.tokenized.addBos,
        limit: bench.limit,
        skipBadRows: false,
      });
      result.results.model = ctx.loaded.info.path;
      if (ablation && mask) result.results.mask = { dir: mask.dir, touched: ablation.touched, checksum: ablation.checksum };
      await ctx.commit(
        planRef("evaluation", evaluation),
        (dir) => {
          writeEvaluation(dir, result);
          // The base row also keeps what each item asked, for the ability slices' text.
          if (!mask) writeItemTexts(dir, bench.prepared.items);
        },
        (performance.now() - started) / 1000,
      );
    }
  } finally {
    ablation?.restore();
  }
  progress.done();
}

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
