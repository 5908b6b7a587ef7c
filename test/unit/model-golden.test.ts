import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noGrad, scope, Tensor } from "../../src/engine/index.js";
import type { LlamaModel } from "../../src/model/llama.js";
import { loadWeights } from "../../src/model/load.js";
import { openSafetensorsFile } from "../../src/model/loaders/safetensors.js";

/**
 * Logits and gradients of tiny random checkpoints against goldens from an independent
 * float64 PyTorch reference (scripts/make-goldens.py), plus central finite differences.
 */

const FIXTURES = resolve(import.meta.dirname, "../fixtures/models");
const VARIANTS = readdirSync(FIXTURES).sort();

/** max |a − b| / max |b| */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

function readGolden(dir: string): { ids: number[][]; loss: number; tensor: (name: string) => Float32Array } {
  const json = JSON.parse(readFileSync(join(dir, "golden.json"), "utf8")) as { input_ids: number[][]; loss: number };
  const file = openSafetensorsFile(join(dir, "golden.safetensors"));
  return {
    ids: json.input_ids,
    loss: json.loss,
    tensor: (name) => {
      const raw = file.read(name);
      return new Float32Array(raw.data.buffer.slice(raw.data.byteOffset, raw.data.byteOffset + raw.data.byteLength));
    },
  };
}

it("covers the variants the issue asks for", () => {
  expect(VARIANTS).toEqual([
    "gemma2-softcap",
    "gemma3-local-global",
    "llama-gqa",
    "llama-tied-linear",
    "llama3-rope",
    "mistral-window",
    "phi3-fused",
    "qwen2-bias",
    "qwen3-qknorm",
  ]);
});

describe.each(VARIANTS)("golden %s", (variant) => {
  const dir = join(FIXTURES, variant);
  const golden = readGolden(dir);
  let model: LlamaModel;
  let ids: Tensor;

  beforeAll(() => {
    model = loadWeights(dir, { dtype: "f32" }).model;
    ids = Tensor.fromInt64(golden.ids.flat(), [golden.ids.length, golden.ids[0]!.length]);
  });
  afterAll(() => {
    model.dispose();
    ids.dispose();
  });

  it("logits equal PyTorch within 1e-4 relative", () => {
    const logits = noGrad(() => scope(() => model.forward(ids).toFloat32()));
    expect(relativeError(logits, golden.tensor("logits"))).toBeLessThan(1e-4);
  });

  it("the loss and its gradient w.r.t. every weight equal PyTorch within 1e-4 relative", () => {
    model.setRequiresGrad(true);
    try {
      const loss = scope(() => {
        const l = model.loss(ids);
        l.backward();
        return l.item();
      });
      expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
      for (const [name, param] of model.params) {
        const grad = scope(() => param.grad?.toFloat32());
        expect(grad, name).toBeDefined();
        expect(relativeError(grad!, golden.tensor(`grad.${name}`)), name).toBeLessThan(1e-4);
      }
    } finally {
      for (const param of model.params.values()) param.zeroGrad();
      model.setRequiresGrad(false);
    }
  });
});

it("bf16 compute stays within bf16 rounding of the f32 goldens", () => {
  const dir = join(FIXTURES, "qwen2-bias");
  const golden = readGolden(dir);
  const { model } = loadWeights(dir, { dtype: "bf16" });
  try {
    expect(model.dtype).toBe("bf16");
    const ids = golden.ids.flat();
    const logits = noGrad(() => scope(() => model.forward(Tensor.fromInt64(ids, [golden.ids.length, golden.ids[0]!.length])).toFloat32()));
    // bf16 keeps 8 significant bits (relative step 2^-8 ≈ 4e-3); two layers of rounding stay well under 5e-2.
    const error = relativeError(logits, golden.tensor("logits"));
    expect(error).toBeLessThan(5e-2);
    expect(error).toBeGreaterThan(1e-4); // it really computed in bf16
  } finally {
    model.dispose();
  }
});

describe("finite differences", () => {
  // f32 central differences: with loss ≈ 4.5 the rounding error of (L+ − L−)/2h is about
  // 1e-7·4.5/h, so h = 1e-2 keeps it near 5e-5 while the O(h²) term stays smaller.
  const STEP = 1e-2;
  const CHECKED = [
    "model.layers.0.self_attn.q_proj.weight",
    "model.layers.1.self_attn.k_proj.bias",
    "model.layers.1.mlp.down_proj.weight",
    "model.norm.weight",
    "model.embed_tokens.weight",
  ];

  it("agree with the autograd gradient on the largest entries of several weights (qwen2-bias)", () => {
    const dir = join(FIXTURES, "qwen2-bias");
    const golden = readGolden(dir);
    const { model } = loadWeights(dir, { dtype: "f32" });
    const ids = Tensor.fromInt64(golden.ids.flat(), [golden.ids.length, golden.ids[0]!.length]);
    try {
      model.setRequiresGrad(true);
      scope(() => model.loss(ids).backward());
      const lossAt = () => noGrad(() => scope(() => model.loss(ids).item()));
      let checked = 0;
      for (const name of CHECKED) {
        const param = model.param(name);
        const grad = scope(() => param.grad!.toFloat32());
        const largest = Array.from(grad.keys())
          .sort((a, b) => Math.abs(grad[b]!) - Math.abs(grad[a]!))
          .slice(0, 2);
        for (const index of largest) {
          const at = BigInt64Array.of(BigInt(index));
          const original = param.getFlat(at)[0]!;
          param.setFlat(at, original + STEP);
          const plus = lossAt();
          param.setFlat(at, original - STEP);
          const minus = lossAt();
          param.setFlat(at, original);
          const numeric = (plus - minus) / (2 * STEP);
          expect(Math.abs(numeric - grad[index]!), `${name}[${index}]: ${numeric} vs ${grad[index]}`).toBeLessThan(
            2e-3 * Math.abs(grad[index]!) + 2e-4,
          );
          checked++;
        }
      }
      expect(checked).toBe(2 * CHECKED.length);
    } finally {
      model.dispose();
      ids.dispose();
    }
  });
});
