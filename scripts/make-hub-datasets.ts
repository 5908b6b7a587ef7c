/**
 * Writes benchmark files as the Hugging Face Hub and the `datasets` library store them, from
 * the authors' files in a benchmarks folder (../shared/benchmarks, or a folder of full files
 * with the same names): Parquet in the Hub's repository layout
 * (`<owner>/<repo>/<config>/<split>-00000-of-00001.parquet`, `…/data/<split>-…` without a
 * config) and Arrow IPC streams in the `datasets` cache layout
 * (`<owner>___<repo>/<config>/0.0.0/<hash>/<repo>-<split>.arrow`). The columns are the Hub's
 * (names, types, nesting: ai2_arc's choices struct of lists, mmlu's int64 answer, hellaswag's
 * string label, …), and the schema carries the `huggingface` features metadata `datasets` writes.
 *
 *   npx tsx scripts/make-hub-datasets.ts BENCHMARKS_DIR OUT_DIR parquet|arrow
 *
 * Only benchmarks whose files are present are written. Deterministic.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Field, Int32, Int64, List, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray, type DataType } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { parseCsv } from "../src/eval/files/csv.js";

type ColumnType = "string" | "int64" | "int32" | { list: ColumnType } | { struct: Record<string, ColumnType> };
type Row = Record<string, unknown>;

export interface HubSplit {
  /** dataset_path as lm-eval names it. */
  path: string;
  config: string | null;
  split: string;
  features: Record<string, ColumnType>;
  rows: Row[];
}

export type HubFormat = "parquet" | "arrow";

/** Write every split found under benchmarksDir; returns the files written. */
export function makeHubDatasets(benchmarksDir: string, outDir: string, format: HubFormat): string[] {
  return hubSplits(benchmarksDir).map((split) => writeSplit(split, outDir, format));
}

export function hubSplits(dir: string): HubSplit[] {
  const splits: HubSplit[] = [];
  const arcFeatures = {
    id: "string",
    question: "string",
    choices: { struct: { text: { list: "string" }, label: { list: "string" } } },
    answerKey: "string",
  } as const;
  for (const [config, prefix] of [
    ["ARC-Easy", "ARC-Easy"],
    ["ARC-Challenge", "ARC-Challenge"],
  ] as const) {
    for (const [split, part] of [
      ["test", "Test"],
      ["train", "Train"],
      ["validation", "Dev"],
    ] as const) {
      const file = authorsFile(join(dir, "arc"), `${prefix}-${part}`, ".jsonl");
      if (file) splits.push({ path: "allenai/ai2_arc", config, split, features: arcFeatures, rows: jsonl(file).map(arcRow) });
    }
  }
  for (const [split, folder] of [
    ["test", "test"],
    ["dev", "dev"],
    ["validation", "val"],
  ] as const) {
    const subjectDir = join(dir, "mmlu", folder);
    if (!existsSync(subjectDir)) continue;
    for (const name of readdirSync(subjectDir)
      .filter((n) => n.endsWith(`_${folder}.csv`))
      .sort()) {
      const subject = name.slice(0, -`_${folder}.csv`.length);
      const rows = parseCsv(readFileSync(join(subjectDir, name), "utf8").replace(/^\uFEFF/, ""), name).map(({ fields }) => ({
        question: fields[0],
        subject,
        choices: fields.slice(1, 5),
        answer: BigInt("ABCD".indexOf(fields[5]!.trim())),
      }));
      splits.push({
        path: "cais/mmlu",
        config: subject,
        split,
        features: { question: "string", subject: "string", choices: { list: "string" }, answer: "int64" },
        rows,
      });
    }
  }
  const piqa = authorsFile(join(dir, "piqa"), "valid", ".jsonl");
  if (piqa) {
    const labels = readFileSync(piqa.replace(/valid(.*)\.jsonl$/, "valid-labels$1.lst"), "utf8")
      .trim()
      .split("\n");
    const rows = jsonl(piqa).map((r, i) => ({ goal: r.goal, sol1: r.sol1, sol2: r.sol2, label: BigInt(labels[i]!.trim()) }));
    splits.push({
      path: "baber/piqa",
      config: null,
      split: "validation",
      features: { goal: "string", sol1: "string", sol2: "string", label: "int64" },
      rows,
    });
  }
  const hellaswag = authorsFile(join(dir, "hellaswag"), "hellaswag_val", ".jsonl");
  if (hellaswag) {
    const features = {
      ind: "int32",
      activity_label: "string",
      ctx_a: "string",
      ctx_b: "string",
      ctx: "string",
      endings: { list: "string" },
      source_id: "string",
      split: "string",
      split_type: "string",
      label: "string",
    } as const;
    const rows = jsonl(hellaswag).map((r) => ({ ...pick(r, Object.keys(features)), label: String(r.label) }));
    splits.push({ path: "Rowan/hellaswag", config: null, split: "validation", features, rows });
  }
  const winogrande = authorsFile(join(dir, "winogrande"), "dev", ".jsonl");
  if (winogrande) {
    const rows = jsonl(winogrande).map((r) => pick(r, ["sentence", "option1", "option2", "answer"]));
    splits.push({
      path: "allenai/winogrande",
      config: "winogrande_xl",
      split: "validation",
      features: { sentence: "string", option1: "string", option2: "string", answer: "string" },
      rows,
    });
  }
  const truthfulqa = join(dir, "truthfulqa", "mc_task.json");
  if (existsSync(truthfulqa)) {
    const targets = (t: Record<string, number>) => ({ choices: Object.keys(t), labels: Object.values(t) });
    const rows = (
      JSON.parse(readFileSync(truthfulqa, "utf8")) as {
        question: string;
        mc1_targets: Record<string, number>;
        mc2_targets: Record<string, number>;
      }[]
    ).map((q) => ({
      question: q.question,
      mc1_targets: targets(q.mc1_targets),
      mc2_targets: targets(q.mc2_targets),
    }));
    const mc = { struct: { choices: { list: "string" }, labels: { list: "int32" } } } as const;
    splits.push({
      path: "truthfulqa/truthful_qa",
      config: "multiple_choice",
      split: "validation",
      features: { question: "string", mc1_targets: mc, mc2_targets: mc },
      rows,
    });
  }
  const boolq = authorsFile(join(dir, "boolq"), "val", ".jsonl");
  if (boolq) {
    // super_glue's boolq: label a ClassLabel (0 False, 1 True), idx an integer.
    const rows = jsonl(boolq).map((r, i) => ({
      question: r.question,
      passage: r.passage,
      idx: i,
      label: BigInt(String(r.label ?? r.answer).toLowerCase() === "true" || String(r.label) === "1" ? 1 : 0),
    }));
    splits.push({
      path: "aps/super_glue",
      config: "boolq",
      split: "validation",
      features: { question: "string", passage: "string", idx: "int32", label: "int64" },
      rows,
    });
  }
  const bbhDir = join(dir, "bbh");
  if (existsSync(bbhDir)) {
    for (const name of readdirSync(bbhDir)
      .filter((n) => n.endsWith(".json"))
      .sort()) {
      const { examples } = JSON.parse(readFileSync(join(bbhDir, name), "utf8")) as { examples: { input: string; target: string }[] };
      splits.push({
        path: "lukaemon/bbh",
        config: name.slice(0, -".json".length),
        split: "test",
        features: { input: "string", target: "string" },
        rows: examples.map((e) => ({ input: e.input, target: e.target })),
      });
    }
  }
  for (const [split, stem] of [
    ["test", "test"],
    ["train", "train"],
  ] as const) {
    const file = authorsFile(join(dir, "gsm8k"), stem, ".jsonl");
    if (file)
      splits.push({
        path: "openai/gsm8k",
        config: "main",
        split,
        features: { question: "string", answer: "string" },
        rows: jsonl(file).map((r) => pick(r, ["question", "answer"])),
      });
  }
  return splits;
}

/** `<stem>.jsonl`, or a cut of it such as `<stem>.head100.jsonl`. */
function authorsFile(dir: string, stem: string, ext: string): string | null {
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir)
    .sort()
    .find((n) => n === stem + ext || (n.startsWith(stem + ".") && n.endsWith(ext)));
  return name ? join(dir, name) : null;
}

function jsonl(file: string): Row[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Row);
}

function pick(row: Row, keys: string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

/** The AI2 release's `{question: {stem, choices: [{text, label}]}}` as the Hub's flattened columns. */
function arcRow(row: Row): Row {
  const question = row.question as { stem: string; choices: { text: string; label: string }[] };
  return {
    id: row.id,
    question: question.stem,
    choices: { text: question.choices.map((c) => c.text), label: question.choices.map((c) => c.label) },
    answerKey: row.answerKey,
  };
}

function writeSplit(split: HubSplit, outDir: string, format: HubFormat): string {
  const [owner, repo] = split.path.split("/") as [string, string];
  const file =
    format === "parquet"
      ? join(outDir, owner, repo, split.config ?? "data", `${split.split}-00000-of-00001.parquet`)
      : join(outDir, `${owner}___${repo}`, split.config ?? "default", "0.0.0", "0123456789abcdef", `${repo}-${split.split}.arrow`);
  mkdirSync(dirname(file), { recursive: true });
  const metadata = JSON.stringify({
    info: { features: Object.fromEntries(Object.entries(split.features).map(([k, t]) => [k, hfFeature(t)])) },
  });
  const bytes = format === "parquet" ? parquetBytes(split, metadata) : arrowBytes(split, metadata);
  writeFileSync(file, bytes);
  return file;
}

/** The `datasets` Features JSON of a column type. */
function hfFeature(type: ColumnType): unknown {
  if (typeof type === "string") return { dtype: type, _type: "Value" };
  if ("list" in type) return { feature: hfFeature(type.list), _type: "Sequence" };
  return Object.fromEntries(Object.entries(type.struct).map(([k, t]) => [k, hfFeature(t)]));
}

// Parquet, nested as pyarrow writes it: lists are `group (LIST) { repeated group list { element } }`.
type SchemaElement = Record<string, unknown>;

function parquetSchema(name: string, type: ColumnType): SchemaElement[] {
  if (type === "string") return [{ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" }];
  if (type === "int64") return [{ name, type: "INT64", repetition_type: "OPTIONAL" }];
  if (type === "int32") return [{ name, type: "INT32", repetition_type: "OPTIONAL" }];
  if ("list" in type) {
    return [
      { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      ...parquetSchema("element", type.list),
    ];
  }
  const children = Object.entries(type.struct);
  return [{ name, repetition_type: "OPTIONAL", num_children: children.length }, ...children.flatMap(([k, t]) => parquetSchema(k, t))];
}

function parquetBytes(split: HubSplit, metadata: string): Uint8Array {
  const columns = Object.entries(split.features);
  const schema = [{ name: "schema", num_children: columns.length }, ...columns.flatMap(([k, t]) => parquetSchema(k, t))];
  const buffer = parquetWriteBuffer({
    schema: schema as never,
    columnData: columns.map(([name]) => ({ name, data: split.rows.map((row) => row[name]) })) as never,
    kvMetadata: [{ key: "huggingface", value: metadata }],
  });
  return new Uint8Array(buffer);
}

function arrowType(type: ColumnType): DataType {
  if (type === "string") return new Utf8();
  if (type === "int64") return new Int64();
  if (type === "int32") return new Int32();
  if ("list" in type) return new List(new Field("item", arrowType(type.list), true));
  return new Struct(Object.entries(type.struct).map(([k, t]) => new Field(k, arrowType(t), true)));
}

function arrowBytes(split: HubSplit, metadata: string): Uint8Array {
  const columns = Object.entries(split.features);
  const vectors = Object.fromEntries(
    columns.map(([name, type]) => [name, vectorFromArray(split.rows.map((row) => row[name]) as never[], arrowType(type))]),
  );
  const table = new Table(vectors);
  const schema = new Schema(table.schema.fields, new Map([["huggingface", metadata]]));
  // datasets' ArrowWriter writes the IPC stream format.
  return tableToIPC(new Table(schema, table.batches), "stream");
}

if (process.argv[1] && basename(process.argv[1]).startsWith("make-hub-datasets")) {
  const [benchmarksDir, outDir, format] = process.argv.slice(2);
  if (!benchmarksDir || !outDir || (format !== "parquet" && format !== "arrow")) {
    process.stderr.write("usage: make-hub-datasets.ts BENCHMARKS_DIR OUT_DIR parquet|arrow\n");
    process.exit(2);
  }
  for (const file of makeHubDatasets(benchmarksDir, outDir, format)) process.stdout.write(`${file}\n`);
}
