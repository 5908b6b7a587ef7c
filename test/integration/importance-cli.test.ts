import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireShared, sharedPath } from "../helpers/shared.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PROBES = join(ROOT, "test/fixtures/importance/probes");
const tmp = mkdtempSync(join(tmpdir(), "bprof-importance-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bprof(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!requireShared("bprof importance/select/masks CLI on stories260K"))("importance CLI (stories260K)", () => {
  const model = sharedPath("models/stories260K/stories260K.bin");
  const importance = join(tmp, "importance");

  beforeAll(() => {
    execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/cli/main.ts"),
        "importance",
        "--model",
        model,
        "--ability",
        "contextual-recall",
        "--probes",
        PROBES,
        "--limit",
        "6",
        "--loss-scope",
        "answer",
        "--out",
        importance,
        "--quiet",
      ],
      { cwd: ROOT },
    );
  });

  it("select writes top, bottom and random masks of the same n; masks show prints them", () => {
    const out = join(tmp, "masks");
    const r = bprof(
      "select",
      "--importance",
      importance,
      "--variant",
      "all",
      "--k",
      "1e-3,1e-2",
      "--control",
      "bottom",
      "--control",
      "random:1,2",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(8);
    const shown = bprof("masks", "show", join(out, "all-k0.001-top.random-s2"), "--json");
    expect(shown.code, shown.stderr).toBe(0);
    const json = JSON.parse(shown.stdout) as {
      n: number;
      control: string;
      seed: number;
      importance: { lossScope: string };
      tensors: Record<string, number[]>;
    };
    expect(json.n).toBe(Math.floor(0.001 * 260032));
    expect(json.control).toBe("random");
    expect(json.seed).toBe(2);
    expect(json.importance.lossScope).toBe("answer");
    expect(Object.values(json.tensors).flat()).toHaveLength(json.n);
    expect(Object.keys(json.tensors).some((n) => n.includes("self_attn"))).toBe(true);
    const text = bprof("masks", "show", out);
    expect(text.stdout).toMatch(/all-k0\.01-top\.bottom\n {2}variant all, k 0\.01, n = ⌊k · 260032⌋ = 2600/);
  });

  it("select --contrast-with ranks by the ratio against the other abilities' importance and records it", () => {
    const other = join(tmp, "importance-other");
    execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/cli/main.ts"),
        "importance",
        "--model",
        model,
        "--ability",
        "contextual-recall",
        "--probes",
        PROBES,
        "--limit",
        "3",
        "--loss-scope",
        "full",
        "--out",
        other,
        "--quiet",
      ],
      { cwd: ROOT },
    );
    // Two importances of the same ability are refused: contrast takes one per other ability.
    const same = bprof("select", "--importance", importance, "--k", "1e-2", "--contrast-with", other, "--out", join(tmp, "c-same"));
    expect(same.code).not.toBe(0);
    expect(same.stderr).toMatch(/second importance of ability contextual-recall/);
    expect(existsSync(join(tmp, "c-same"))).toBe(false);
    const alone = bprof("select", "--importance", importance, "--k", "1e-2", "--contrast", "ratio", "--out", join(tmp, "c-alone"));
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(/--contrast ratio needs --contrast-with/);

    const deductive = join(tmp, "importance-deductive");
    execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/cli/main.ts"),
        "importance",
        "--model",
        model,
        "--ability",
        "deductive",
        "--limit",
        "3",
        "--out",
        deductive,
        "--quiet",
      ],
      { cwd: ROOT },
    );
    const r = bprof("select", "--importance", importance, "--k", "1e-2", "--contrast-with", deductive, "--out", join(tmp, "c-ratio"));
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(tmp, "c-ratio", "mlp-k0.01-top", "mask.json"), "utf8")) as {
      recipe: { contrast: { kind: string; others: { ability: string }[]; epsilon: number } | null };
    };
    expect(manifest.recipe.contrast?.kind).toBe("ratio");
    expect(manifest.recipe.contrast?.others.map((o) => o.ability)).toEqual(["deductive"]);
    expect(manifest.recipe.contrast?.epsilon).toBe(1e-3);
    const plain = bprof("select", "--importance", importance, "--k", "1e-2", "--out", join(tmp, "c-none"));
    expect(plain.code, plain.stderr).toBe(0);
    const bytes = (dir: string) => readFileSync(join(dir, "mlp-k0.01-top", "indices.bin"));
    expect(bytes(join(tmp, "c-ratio")).equals(bytes(join(tmp, "c-none")))).toBe(false);
    const d = bprof(
      "select",
      "--importance",
      importance,
      "--k",
      "1e-2",
      "--contrast",
      "difference",
      "--contrast-with",
      deductive,
      "--out",
      join(tmp, "c-diff"),
    );
    expect(d.code, d.stderr).toBe(0);
    const diff = JSON.parse(readFileSync(join(tmp, "c-diff", "mlp-k0.01-top", "mask.json"), "utf8")) as {
      recipe: { contrast: { kind: string; others: { ability: string }[]; epsilon?: number } | null };
    };
    expect(diff.recipe.contrast).toMatchObject({ kind: "difference", others: [{ ability: "deductive" }] });
    expect(diff.recipe.contrast?.epsilon).toBeUndefined();
    expect(bytes(join(tmp, "c-diff")).equals(bytes(join(tmp, "c-none")))).toBe(false);
    expect(bytes(join(tmp, "c-diff")).equals(bytes(join(tmp, "c-ratio")))).toBe(false);
  }, 600_000);

  it.each([
    [["--k", "0"], /k must be a number in \(0, 1\)/],
    [["--k", "1"], /k must be a number in \(0, 1\)/],
    [["--k", "-1e-3"], /k must be a number in \(0, 1\)/],
    [["--k", "1e-9"], /selects no parameter/],
    [["--k", "1e-2", "--variant", "attention"], /unknown ablation variant 'attention'/],
    [["--k", "1e-2", "--method", "fastest"], /unknown selection method 'fastest'/],
    [["--k", "1e-2", "--control", "random:x"], /random seed must be an integer/],
  ])("select %j fails clearly with no output", (args, message) => {
    const out = join(tmp, `bad-select-${Math.random()}`);
    const r = bprof("select", "--importance", importance, "--out", out, ...(args as string[]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message as RegExp);
    expect(existsSync(out)).toBe(false);
  });

  it("an empty probe set and an over-long probe fail with no output", () => {
    const probes = join(tmp, "bad-probes");
    mkdirSync(join(probes, "empty"), { recursive: true });
    writeFileSync(join(probes, "empty", "train.jsonl"), "\n");
    mkdirSync(join(probes, "long"), { recursive: true });
    const item = JSON.parse(readFileSync(join(PROBES, "contextual-recall/train.jsonl"), "utf8").split("\n")[0]!) as Record<string, unknown>;
    const lines = [
      { ...item, id: "short", ability: "long" },
      { ...item, id: "very-long", ability: "long", context: "Lily went to the park. ".repeat(120) },
    ];
    writeFileSync(join(probes, "long", "train.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");

    for (const [ability, message] of [
      ["empty", /probe file is empty/],
      ["long", /1 of 2 probe items are longer than the model's context of 512 tokens: very-long \(\d+ tokens\)/],
    ] as const) {
      const out = join(tmp, `bad-${ability}`);
      const dump = join(tmp, `bad-${ability}.jsonl`);
      const r = bprof("importance", "--model", model, "--ability", ability, "--probes", probes, "--out", out, "--dump-tokens", dump);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(dump)).toBe(false);
    }
    // The full-chat loss: cut to the context, the item keeps prompt tokens in its loss (its answer is past the cut).
    const truncated = bprof(
      "importance",
      "--model",
      model,
      "--ability",
      "long",
      "--probes",
      probes,
      "--out",
      join(tmp, "trunc"),
      "--truncate",
      "--loss-scope",
      "full",
      "--quiet",
    );
    expect(truncated.code, truncated.stderr).toBe(0);
    expect(truncated.stdout).toMatch(/1 truncated/);
    const manifest = JSON.parse(readFileSync(join(tmp, "trunc", "importance.json"), "utf8")) as { rendering: { truncated: string[] } };
    expect(manifest.rendering.truncated).toEqual(["very-long"]);
  });

  it("score fisher without the fisher aggregate is refused before the model loads", () => {
    const r = bprof(
      "importance",
      "--model",
      model,
      "--ability",
      "contextual-recall",
      "--probes",
      PROBES,
      "--score",
      "fisher",
      "--out",
      join(tmp, "f"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs --aggregate fisher/);
  });
});
