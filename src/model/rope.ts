import { Tensor, type Device } from "../engine/index.js";
import type { ModelConfig } from "./config.js";

/**
 * Rotary position embedding, Hugging Face convention ("rotate half"): a head vector
 * x = [a, b] (two halves of D/2) at position p becomes
 *   [a·cos(pθ) − b·sin(pθ),  b·cos(pθ) + a·sin(pθ)],   θ_i = base^(−2i/D) (then scaled).
 * llama2.c pairs adjacent dimensions instead; its loader permutes q/k rows to match.
 * The rotation itself is the engine's fused Tensor.rope (head split included).
 */

/**
 * θ_i for i < D/2, after `rope_scaling`:
 * - linear: θ_i / factor (positions stretched by the factor).
 * - llama3 (Llama-3.1): with wavelength λ_i = 2π/θ_i and L the original context length,
 *   λ_i < L/high_freq_factor keeps θ_i, λ_i > L/low_freq_factor gets θ_i/factor, and in
 *   between s = (L/λ_i − low)/(high − low) blends: (1 − s)·θ_i/factor + s·θ_i.
 * Computed in float64, stored as float32 (HF computes the same formula in float32).
 * `local`: Gemma-3's sliding layers, base `localRopeTheta` and no scaling.
 */
export function ropeInverseFrequencies(config: ModelConfig, opts: { local?: boolean } = {}): Float32Array {
  const D = config.headDim;
  const local = opts.local === true && config.localRopeTheta !== null;
  const base = local ? config.localRopeTheta! : config.ropeTheta;
  const theta = Array.from({ length: D / 2 }, (_, i) => 1 / base ** ((2 * i) / D));
  const scaling = local ? null : config.ropeScaling;
  if (scaling === null) return Float32Array.from(theta);
  if (scaling.type === "linear") return Float32Array.from(theta, (t) => t / scaling.factor);
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: L } = scaling;
  return Float32Array.from(theta, (t) => {
    const wavelength = (2 * Math.PI) / t;
    if (wavelength < L / highFreqFactor) return t;
    if (wavelength > L / lowFreqFactor) return t / factor;
    const s = (L / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - s) * (t / factor) + s * t;
  });
}

/** cos and sin of p·θ_i for every position, each [B|1, T, D/2], in `dtype`. */
export function ropeTables(
  positions: Tensor, // [B|1, T] i64
  inverseFrequencies: Tensor, // [D/2] f32
  dtype: Tensor["dtype"],
): { cos: Tensor; sin: Tensor } {
  const angles = positions.to({ dtype: "f32" }).unsqueeze(-1).mul(inverseFrequencies); // [B|1, T, D/2]
  return { cos: angles.cos().to({ dtype }), sin: angles.sin().to({ dtype }) };
}

export function inverseFrequencyTensor(config: ModelConfig, device: Device, opts: { local?: boolean } = {}): Tensor {
  const values = ropeInverseFrequencies(config, opts);
  return Tensor.fromFloat32(values, [values.length], { device });
}
