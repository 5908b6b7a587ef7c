import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summariseScores } from "../../src/eval/evaluate.js";
import { findBenchmarkSpec } from "../../src/eval/find-spec.js";
import { readParquetRows } from "../../src/eval/files/parquet.js";
import type { EvalItem } from "../../src/eval/items.js";
import { prepareBenchmark, type PreparedBenchmark } from "../../src/eval/prepare.js";
import { scoreBenchmark } from "../../src/eval/score.js";
import { readTaskFile } from "../../src/eval/lm-eval-task/task-file.js";
import { selectTasks } from "../../src/eval/select-tasks.js";
import { tokenizeBenchmark } from "../../src/eval/tokenize.js";
import { makeHubDatasets } from "../../scripts/make-hub-datasets.js";
import { requireShared, sharedPath } from "../helpers/shared.js";
import { ByteHashLM } from "../helpers/byte-hash-lm.js";

/**
 * lm-eval's own task files, unmodified (../shared/benchmarks/lm-eval-tasks), over the
 * benchmarks' rows as the Hub stores them (Parquet) and as the `datasets` cache stores them
 * (Arrow IPC streams), both written by scripts/make-hub-datasets.ts from the authors' files in
 * ../shared/benchmarks: every item must render to the same requests and gold as the shipped
 * spec on the authors' file, and score to the same predictions. Whatever files the folder
 * holds are compared (full files included), not a fixed list of items.
 */
const BENCHMARKS = process.env.BPROF_BENCHMARKS ?? sharedPath("benchmarks");
const TASKS = join(BENCHMARKS, "lm-eval-tasks");

interface Pairing {
  yaml: string;
  shipped: string;
  /** The authors' file (or MMLU subject CSV) the shipped spec reads. */
  data: string | null;
  fewshotData?: string;
}

function authorsFile(dir: string, stem: string, ext: string): string | null {
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir)
    .sort()
    .find((n) => n === stem + ext || (n.startsWith(stem + ".") && n.endsWith(ext)));
  return name ? join(dir, name) : null;
}

function pairings(): Pairing[] {
  const list: Pairing[] = [
    { yaml: "arc/arc_easy.yaml", shipped: "arc_easy", data: authorsFile(join(BENCHMARKS, "arc"), "ARC-Easy-Test", ".jsonl") },
    {
      yaml: "arc/arc_challenge.yaml",
      shipped: "arc_challenge",
      data: authorsFile(join(BENCHMARKS, "arc"), "ARC-Challenge-Test", ".jsonl"),
    },
    { yaml: "piqa/piqa.yaml", shipped: "piqa", data: authorsFile(join(BENCHMARKS, "piqa"), "valid", ".jsonl") },
    { yaml: "hellaswag/hellaswag.yaml", shipped: "hellaswag", data: authorsFile(join(BENCHMARKS, "hellaswag"), "hellaswag_val", ".jsonl") },
    { yaml: "winogrande/default.yaml", shipped: "winogrande", data: authorsFile(join(BENCHMARKS, "winogrande"), "dev", ".jsonl") },
    {
      yaml: "truthfulqa/truthfulqa_mc1.yaml",
      shipped: "truthfulqa_mc1",
      data: existsSync(join(BENCHMARKS, "truthfulqa/mc_task.json")) ? join(BENCHMARKS, "truthfulqa/mc_task.json") : null,
    },
    {
      yaml: "gsm8k/gsm8k.yaml",
      shipped: "gsm8k",
      data: authorsFile(join(BENCHMARKS, "gsm8k"), "test", ".jsonl"),
      fewshotData: authorsFile(join(BENCHMARKS, "gsm8k"), "train", ".jsonl") ?? undefined,
    },
  ];
  // Every MMLU subject task file lm-eval has here, against that subject's test CSV.
  const mmluDir = join(TASKS, "mmlu/default");
  if (existsSync(mmluDir)) {
    for (const name of readdirSync(mmluDir)
      .filter((n) => /^mmlu_.+\.yaml$/.test(n))
      .sort()) {
      const subject = name.slice("mmlu_".length, -".yaml".length);
      const csv = join(BENCHMARKS, "mmlu/test", `${subject}_test.csv`);
      list.push({
        yaml: `mmlu/default/${name}`,
        shipped: "mmlu",
        data: existsSync(csv) ? csv : null,
        fewshotData: join(BENCHMARKS, "mmlu/dev"),
      });
    }
  }
  return list.filter((p) => existsSync(join(TASKS, p.yaml)));
}

/** What decides a score: the scored text pairs (or prompt), the gold, the continuation of partial scoring. */
function scored(item: EvalItem): unknown {
  return item.task === "multiple_choice"
    ? { requests: item.requests, gold: item.gold, true: item.trueChoices }
    : { prompt: item.prompt, target: item.target };
}

async function predictions(prepared: PreparedBenchmark): Promise<unknown[]> {
  const lm = new ByteHashLM();
  const tokenized = tokenizeBenchmark(lm, prepared);
  const scores = await scoreBenchmark(lm, tokenized);
  const { samples } = summariseScores(prepared, scores, { sharedContext: true, addBos: tokenized.addBos, limit: null, skipBadRows: false });
  return samples.map((s) => ({ pred: s.pred, scores: s.scores }));
}

describe.skipIf(!requireShared("lm-eval task files over Hub Parquet and datasets Arrow"))(
  "lm-eval task files, unmodified, over the Hub's files",
  () => {
    const tmp = mkdtempSync(join(tmpdir(), "bprof-lm-eval-"));
    const parquetDir = join(tmp, "hub");
    const cacheDir = join(tmp, "datasets-cache");
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    beforeAll(() => {
      makeHubDatasets(BENCHMARKS, parquetDir, "parquet");
      makeHubDatasets(BENCHMARKS, cacheDir, "arrow");
    });

    it("the script writes the Hub's layout and the datasets cache's (IPC stream format)", () => {
      expect(existsSync(join(parquetDir, "allenai/ai2_arc/ARC-Easy/test-00000-of-00001.parquet"))).toBe(true);
      expect(existsSync(join(parquetDir, "baber/piqa/data/validation-00000-of-00001.parquet"))).toBe(true);
      const arrow = join(cacheDir, "allenai___ai2_arc/ARC-Easy/0.0.0");
      const [hash] = readdirSync(arrow);
      const bytes = readFileSync(join(arrow, hash!, "ai2_arc-test.arrow"));
      // A stream starts with a continuation marker, not the file format's "ARROW1" magic.
      expect(bytes.readUInt32LE(0)).toBe(0xffffffff);
      expect(readFileSync(join(parquetDir, "allenai/ai2_arc/ARC-Easy/test-00000-of-00001.parquet")).subarray(0, 4).toString()).toBe("PAR1");
    });

    const cases = pairings();
    for (const format of ["parquet", "arrow"] as const) {
      for (const pairing of cases) {
        const title = `${pairing.yaml} over ${format === "parquet" ? "Hub Parquet" : "datasets-cache Arrow"}: the shipped ${pairing.shipped} spec's items and predictions`;
        if (!pairing.data) {
          it.skip(`${title} (no authors' file for it in ${BENCHMARKS})`, () => {});
          console.warn(`[skip] ${pairing.yaml}: no data for it in ${BENCHMARKS}`);
          continue;
        }
        it(title, async () => {
          const [task] = selectTasks([join(TASKS, pairing.yaml)], { dataDir: format === "parquet" ? parquetDir : cacheDir });
          const fromTask = prepareBenchmark(task!);
          const fromSpec = prepareBenchmark(findBenchmarkSpec(pairing.shipped), {
            dataOverride: pairing.data!,
            fewshotDataOverride: pairing.fewshotData,
          });
          expect(fromTask.items.length).toBeGreaterThan(0);
          expect(fromTask.items.length).toBe(fromSpec.items.length);
          expect(fromTask.items.map(scored)).toEqual(fromSpec.items.map(scored));
          expect(await predictions(fromTask)).toEqual(await predictions(fromSpec));
        });
      }
    }

    it("mmlu_high_school_geography.yaml merges _default_template_yaml and names its Hub split", () => {
      const yaml = join(TASKS, "mmlu/default/mmlu_high_school_geography.yaml");
      const { config } = readTaskFile(yaml);
      expect(config).toMatchObject({
        task: "mmlu_high_school_geography",
        dataset_path: "cais/mmlu",
        dataset_name: "high_school_geography",
        test_split: "test",
        fewshot_split: "dev",
        fewshot_config: { sampler: "first_n" },
        description: "The following are multiple choice questions (with answers) about high school geography.\n\n",
      });
      const load = () => selectTasks([yaml], { dataDir: parquetDir, numFewshot: 5 });
      if (existsSync(join(BENCHMARKS, "mmlu/test/high_school_geography_test.csv"))) {
        const [task] = load();
        expect(task!.spec.fewshot).toMatchObject({ n: 5, sampler: "first_n" });
      } else {
        console.warn(`[skip] mmlu_high_school_geography items: no high_school_geography CSVs in ${BENCHMARKS}; only its config is checked`);
        expect(load).toThrow(/split 'test' of cais\/mmlu \(high_school_geography\) not found/);
      }
    });

    /** Each shipped spec's adapter on its benchmark's Hub file: the items it gives from the authors' file. */
    const exports: { shipped: string; authors: string | null; hub: string; fewshot?: string }[] = [
      {
        shipped: "arc_easy",
        authors: authorsFile(join(BENCHMARKS, "arc"), "ARC-Easy-Test", ".jsonl"),
        hub: "allenai/ai2_arc/ARC-Easy/test",
      },
      {
        shipped: "hellaswag",
        authors: authorsFile(join(BENCHMARKS, "hellaswag"), "hellaswag_val", ".jsonl"),
        hub: "Rowan/hellaswag/data/validation",
      },
      { shipped: "piqa", authors: authorsFile(join(BENCHMARKS, "piqa"), "valid", ".jsonl"), hub: "baber/piqa/data/validation" },
      {
        shipped: "winogrande",
        authors: authorsFile(join(BENCHMARKS, "winogrande"), "dev", ".jsonl"),
        hub: "allenai/winogrande/winogrande_xl/validation",
      },
      { shipped: "boolq", authors: authorsFile(join(BENCHMARKS, "boolq"), "val", ".jsonl"), hub: "aps/super_glue/boolq/validation" },
      {
        shipped: "gsm8k",
        authors: authorsFile(join(BENCHMARKS, "gsm8k"), "test", ".jsonl"),
        hub: "openai/gsm8k/main/test",
        fewshot: authorsFile(join(BENCHMARKS, "gsm8k"), "train", ".jsonl") ?? undefined,
      },
      { shipped: "mmlu", authors: join(BENCHMARKS, "mmlu/test/abstract_algebra_test.csv"), hub: "cais/mmlu/abstract_algebra/test" },
      {
        shipped: "truthfulqa_mc2",
        authors: join(BENCHMARKS, "truthfulqa/mc_task.json"),
        hub: "truthfulqa/truthful_qa/multiple_choice/validation",
      },
      {
        shipped: "bbh_boolean_expressions",
        authors: join(BENCHMARKS, "bbh/boolean_expressions.json"),
        hub: "lukaemon/bbh/boolean_expressions/test",
      },
    ];
    for (const { shipped, authors, hub, fewshot } of exports) {
      it(`the ${shipped} adapter reads the Hub's Parquet, the datasets cache's Arrow and a JSONL export as it reads the authors' file`, () => {
        if (!authors || !existsSync(authors)) return console.warn(`[skip] ${shipped}: no authors' file in ${BENCHMARKS}`);
        const spec = findBenchmarkSpec(shipped);
        const reference = prepareBenchmark(spec, { dataOverride: authors, fewshotDataOverride: fewshot }).items.map(scored);
        const parquet = join(parquetDir, `${hub}-00000-of-00001.parquet`);
        const [owner, repo, config, split] = hub.replace("/data/", "/default/").split("/") as [string, string, string, string];
        const hashDir = join(cacheDir, `${owner}___${repo}`, config, "0.0.0");
        const arrow = join(hashDir, readdirSync(hashDir)[0]!, `${repo}-${split}.arrow`);
        const jsonlExport = join(tmp, `${shipped}-export.jsonl`);
        writeFileSync(
          jsonlExport,
          readParquetRows(parquet)
            .map((row) => JSON.stringify(row))
            .join("\n") + "\n",
        );
        for (const file of [parquet, arrow, jsonlExport])
          expect(prepareBenchmark(spec, { dataOverride: file, fewshotDataOverride: fewshot }).items.map(scored), file).toEqual(reference);
      });
    }
  },
);
