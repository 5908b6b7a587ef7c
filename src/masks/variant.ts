import { DECODER_MATRICES, parseDecoderMatrix } from "../model/parameters.js";

/**
 * The ablation variants (docs/method.md, step 2): which weight matrices may be selected.
 * `mlp`: gate/up/down (Phi-3: gate_up/down) of every decoder layer; `all`: q/k/v/o (Phi-3: qkv/o) and the MLP.
 * Embeddings, the output head, norms and biases are never in a scope.
 */
export const ABLATION_VARIANTS = ["mlp", "all"] as const;
export type AblationVariant = (typeof ABLATION_VARIANTS)[number];

const MLP_MATRICES = new Set<string>(["mlp.gate_proj", "mlp.up_proj", "mlp.gate_up_proj", "mlp.down_proj"]);

export function inVariant(name: string, variant: AblationVariant): boolean {
  const parsed = parseDecoderMatrix(name);
  if (!parsed) return false;
  return variant === "all" || MLP_MATRICES.has(parsed.matrix);
}

/**
 * The names of a scope in layer order: layer index ascending, then q, k, v, o, gate, up,
 * down (the order a Llama registers them). This is the order `chunked` lays scores end to end
 * and the order random positions are numbered in.
 */
export function variantNamesInLayerOrder(names: Iterable<string>, variant: AblationVariant): string[] {
  const rank = (n: string): [number, number] => {
    const p = parseDecoderMatrix(n)!;
    return [p.layer, DECODER_MATRICES.indexOf(p.matrix as (typeof DECODER_MATRICES)[number])];
  };
  return [...names]
    .filter((n) => inVariant(n, variant))
    .sort((a, b) => {
      const [la, ma] = rank(a);
      const [lb, mb] = rank(b);
      return la - lb || ma - mb;
    });
}

/** Code-unit order of tensor names: the tie-break order of every selection. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
