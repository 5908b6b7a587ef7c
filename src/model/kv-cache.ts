import { keep, scope, Tensor } from "../engine/index.js";

/**
 * Keys and values of the tokens already processed, so generation feeds one new token at a
 * time. Per layer: key, value [B, KV, S, D] (after RoPE, before the GQA repeat). Also kept:
 * which cached slots are real tokens (keyMask [B, S], false for padding) and each row's
 * next position id (nextPosition [B]), so padded rows keep counting positions correctly.
 *
 * The model's forward reads it and commits the grown tensors at the end; the cache owns
 * its tensors (exempt from scopes) and frees the old ones on each commit and on dispose().
 */
export class KVCache {
  private layers: { key: Tensor; value: Tensor }[] = [];
  private mask: Tensor | null = null;
  private positions: Tensor;

  constructor(
    readonly batch: number,
    readonly numLayers: number,
    device: Tensor["device"],
  ) {
    this.positions = keep(Tensor.zeros([batch], { dtype: "i64", device })); // [B]
  }

  /** Cached tokens per row (padding slots included). */
  get length(): number {
    return this.mask?.shape[1] ?? 0;
  }

  /** [B, KV, S, D] for a layer, or null before the first forward. */
  layer(index: number): { key: Tensor; value: Tensor } | null {
    return this.layers[index] ?? null;
  }

  /** [B, S] bool, or null when empty. */
  get keyMask(): Tensor | null {
    return this.mask;
  }

  /** [B] i64: the position id the next real token of each row gets. */
  get nextPosition(): Tensor {
    return this.positions;
  }

  /** Replace the contents with the grown tensors of one forward pass (called by the model). */
  commit(layers: { key: Tensor; value: Tensor }[], keyMask: Tensor, nextPosition: Tensor): void {
    if (layers.length !== this.numLayers) throw new Error(`KVCache.commit: ${layers.length} layers, expected ${this.numLayers}`);
    this.disposeTensors();
    this.layers = layers.map(({ key, value }) => ({ key: keep(key), value: keep(value) }));
    this.mask = keep(keyMask);
    this.positions = keep(nextPosition);
  }

  /**
   * A cache whose row r is a copy of this cache's row rows[r] (rows may repeat): several
   * continuations of each cached context, scored in one batch.
   */
  selectRows(rows: number[]): KVCache {
    const bad = rows.find((r) => !Number.isInteger(r) || r < 0 || r >= this.batch);
    if (bad !== undefined) throw new Error(`KVCache.selectRows: row ${bad} is not in 0..${this.batch - 1}`);
    const device = this.positions.device;
    return this.derive(rows.length, (t) => t.indexSelect(0, Tensor.fromInt64(rows, [rows.length], { device })));
  }

  /** An independent copy (continue two ways from one context). */
  fork(): KVCache {
    return this.derive(this.batch, (t) => t.clone());
  }

  private derive(batch: number, copy: (t: Tensor) => Tensor): KVCache {
    const out = new KVCache(batch, this.numLayers, this.positions.device);
    if (this.mask === null) return out;
    const mask = this.mask;
    const grown = scope(() => ({
      layers: this.layers.map(({ key, value }) => ({ key: copy(key), value: copy(value) })),
      mask: copy(mask),
      positions: copy(this.positions),
    }));
    out.commit(grown.layers, grown.mask, grown.positions);
    return out;
  }

  dispose(): void {
    this.disposeTensors();
  }

  private disposeTensors(): void {
    for (const { key, value } of this.layers) {
      key.dispose();
      value.dispose();
    }
    this.layers = [];
    this.mask?.dispose();
    this.mask = null;
    this.positions.dispose();
  }
}
