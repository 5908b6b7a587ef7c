import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMask, withAblation } from "../../src/masks/apply-mask.js";
import { Tensor } from "../../src/engine/index.js";
import { BprofError } from "../../src/errors.js";
import { readMask, writeMask, type Mask, maskDirName, maskFromSelection } from "../../src/masks/mask.js";
import { scoresFromArray } from "../../src/importance/score-source.js";
import { selectElements } from "../../src/masks/selection.js";

const tmp = mkdtempSync(join(tmpdir(), "bprof-ablation-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function toyParams(dtype: "f32" | "bf16"): Map<string, Tensor> {
  const shapes: [string, number[]][] = [
    ["model.embed_tokens.weight", [32, 8]],
    ["model.norm.weight", [8]],
  ];
  for (let l = 0; l < 2; l++) {
    for (const m of ["q_proj", "k_proj", "v_proj", "o_proj"]) shapes.push([`model.layers.${l}.self_attn.${m}.weight`, [8, 8]]);
    shapes.push([`model.layers.${l}.mlp.gate_proj.weight`, [12, 8]], [`model.layers.${l}.mlp.up_proj.weight`, [12, 8]]);
    shapes.push([`model.layers.${l}.mlp.down_proj.weight`, [8, 12]], [`model.layers.${l}.input_layernorm.weight`, [8]]);
  }
  return new Map(shapes.map(([name, shape], i) => [name, Tensor.randn(shape, { seed: i + 1, dtype })]));
}

function masksFor(params: Map<string, Tensor>, variant: "mlp" | "all"): Mask[] {
  const nTotal = [...params.values()].reduce((s, t) => s + t.numel, 0);
  // Magnitude as the score, so the top mask hits the weights that matter most to a checksum.
  const sources = [...params].map(([name, t]) => scoresFromArray(name, t.toFloat32().map(Math.abs)));
  const shapes = new Map([...params].map(([n, t]) => [n, [...t.shape]]));
  return selectElements({
    sources,
    variant,
    nTotal,
    ks: [0.05, 0.2],
    method: "top",
    controls: [{ kind: "bottom" }, { kind: "random", seed: 4 }],
  }).map((s) => ({ ...maskFromSelection(s, shapes, null), toolVersion: "test" }));
}

function snapshot(params: Map<string, Tensor>): Map<string, Buffer> {
  return new Map([...params].map(([n, t]) => [n, Buffer.from(t.toBytes())]));
}

describe("apply + restore", () => {
  for (const dtype of ["f32", "bf16"] as const) {
    for (const variant of ["mlp", "all"] as const) {
      it(`is bit-identical on every tensor afterwards (${dtype}, ${variant})`, () => {
        const params = toyParams(dtype);
        const before = snapshot(params);
        for (const mask of masksFor(params, variant)) {
          const applied = applyMask(params, mask);
          expect(applied.touched).toBe(mask.recipe.count);
          for (const t of mask.tensors) {
            const tensor = params.get(t.name)!;
            const values = tensor.toFloat32();
            const selected = new Set(t.indices);
            for (let i = 0; i < values.length; i++) {
              if (selected.has(i)) expect(Object.is(values[i], 0)).toBe(true);
            }
          }
          // Untouched tensors (embeddings, norms, out-of-scope matrices) never change.
          const masked = new Set(mask.tensors.filter((t) => t.indices.length > 0).map((t) => t.name));
          for (const [name, t] of params) if (!masked.has(name)) expect(Buffer.from(t.toBytes()).equals(before.get(name)!)).toBe(true);
          applied.restore();
          for (const [name, t] of params) expect(Buffer.from(t.toBytes()).equals(before.get(name)!), name).toBe(true);
        }
      });
    }
  }

  it("withAblation restores even when the work throws", async () => {
    const params = toyParams("f32");
    const before = snapshot(params);
    const [mask] = masksFor(params, "all");
    await expect(
      withAblation(params, mask!, () => {
        const changed = [...params].some(([n, t]) => !Buffer.from(t.toBytes()).equals(before.get(n)!));
        expect(changed).toBe(true);
        throw new Error("evaluation failed");
      }),
    ).rejects.toThrow("evaluation failed");
    for (const [name, t] of params) expect(Buffer.from(t.toBytes()).equals(before.get(name)!), name).toBe(true);
  });

  it("a mask that does not fit the model is refused before anything is touched", () => {
    const params = toyParams("f32");
    const before = snapshot(params);
    const mask = masksFor(params, "mlp")[0]!;
    const bad: Mask = {
      ...mask,
      tensors: [...mask.tensors, { name: "model.layers.9.mlp.up_proj.weight", shape: [12, 8], indices: Uint32Array.of(1) }],
    };
    expect(() => applyMask(params, bad)).toThrow(/model\.layers\.9\.mlp\.up_proj\.weight/);
    const wrongShape: Mask = { ...mask, tensors: mask.tensors.map((t, i) => (i === 1 ? { ...t, shape: [8, 12] } : t)) };
    expect(() => applyMask(params, wrongShape)).toThrow(BprofError);
    for (const [name, t] of params) expect(Buffer.from(t.toBytes()).equals(before.get(name)!), name).toBe(true);
  });
});

describe("mask files", () => {
  it("round-trip, and a changed binary is refused naming the file", () => {
    const params = toyParams("f32");
    const nTotal = [...params.values()].reduce((s, t) => s + t.numel, 0);
    const sources = [...params].map(([name, t]) => scoresFromArray(name, t.toFloat32().map(Math.abs)));
    const shapes = new Map([...params].map(([n, t]) => [n, [...t.shape]]));
    const [selection] = selectElements({ sources, variant: "all", nTotal, ks: [0.1], method: "top", controls: [] });
    const dir = join(tmp, maskDirName(selection!));
    const mask = maskFromSelection(selection!, shapes, null);
    writeMask(dir, mask);
    const back = readMask(dir);
    expect(back.recipe).toEqual(mask.recipe);
    expect(back.tensors.map((t) => [t.name, t.shape, [...t.indices]])).toEqual(mask.tensors.map((t) => [t.name, t.shape, [...t.indices]]));

    const bin = join(dir, "indices.bin");
    const bytes = readFileSync(bin);
    bytes[0] ^= 1;
    writeFileSync(bin, bytes);
    expect(() => readMask(dir)).toThrow(new RegExp(`${bin}: sha256 does not match`));
    expect(() => readMask(join(tmp, "nowhere"))).toThrow(/not a mask directory/);
  });
});
