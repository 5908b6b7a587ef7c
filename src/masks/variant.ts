import { DECODER_MATRICES, inVariant, parseDecoderMatrix, type AblationVariant } from "../model/parameters.js";

/** The ablation variants are declared with the decoder matrices they name (model/parameters.ts). */
export { ABLATION_VARIANTS, inVariant, type AblationVariant } from "../model/parameters.js";

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
