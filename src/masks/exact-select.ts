import { BprofError } from "../errors.js";
import type { ScoreSource } from "../importance/score-source.js";
import { compareNames, type Extreme, type SelectedIndices } from "../importance/score-source.js";

/** A contiguous range [start, start + length) of one tensor's flat scores. */
export interface Segment {
  source: ScoreSource;
  start: number;
  length: number;
}

/** Per tensor name, the selected flat indices in ascending order. */
export type { Extreme, SelectedIndices };

/** Scores are streamed in pieces of this many elements (4 MiB of float32). */
const READ_ELEMENTS = 1 << 20;
const BINS = 1 << 16;

/**
 * Exact selection of the `counts[j]` highest (or lowest) scores over the given segments, for
 * several counts in one go. The order is total: score descending (ascending for `lowest`),
 * then tensor name ascending (code-unit order), then flat index ascending; the first n
 * elements of that order are selected.
 *
 * Radix select without sorting or holding the scores: pass 1 histograms the high 16 bits of
 * each score's order-preserving key, pass 2 the low 16 bits of the keys in each count's
 * boundary bucket; that gives each count's exact threshold key T and how many tied elements at
 * T it still needs, which pass 3 takes in (name, index) order while collecting everything
 * above T. Memory: two 64 Ki-bin histograms per count plus the selected indices.
 */
export function selectExtremes(
  segments: Segment[],
  counts: number[],
  extreme: Extreme,
  onRead: (elements: number) => void = () => {},
): SelectedIndices[] {
  const ordered = [...segments].sort((a, b) => compareNames(a.source.name, b.source.name) || a.start - b.start);
  const total = ordered.reduce((s, g) => s + g.length, 0);
  for (const g of ordered) {
    if (g.source.numel > 2 ** 32) {
      throw new BprofError(`${g.source.name} has ${g.source.numel} elements; masks index tensors with uint32`, {
        field: g.source.name,
      });
    }
  }
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0 || c > total) throw new Error(`selectExtremes: count ${c} outside [0, ${total}]`);
  }
  const lowest = extreme === "lowest";

  const high = new Float64Array(BINS);
  forEachKeys(ordered, lowest, onRead, (keys) => {
    for (let i = 0; i < keys.length; i++) high[keys[i]! >>> 16]!++;
  });
  const boundaries = counts.map((c) => findBoundary(high, c, 0));

  // One low-bits histogram per distinct high bucket that some count ends in.
  const lowHists = new Map<number, Float64Array>();
  for (const b of boundaries) if (!lowHists.has(b.bucket)) lowHists.set(b.bucket, new Float64Array(BINS));
  const slot = new Int32Array(BINS).fill(-1);
  const hists = [...lowHists.entries()];
  hists.forEach(([bucket], i) => (slot[bucket] = i));
  const histList = hists.map(([, h]) => h);
  forEachKeys(ordered, lowest, onRead, (keys) => {
    for (let i = 0; i < keys.length; i++) {
      const s = slot[keys[i]! >>> 16]!;
      if (s >= 0) histList[s]![keys[i]! & 0xffff]!++;
    }
  });

  const cuts = counts.map((c, j) => {
    const b = boundaries[j]!;
    const low = findBoundary(lowHists.get(b.bucket)!, c, b.above);
    return { threshold: ((b.bucket << 16) | low.bucket) >>> 0, tiesLeft: c - low.above, take: c > 0 };
  });
  const minThreshold = Math.min(...cuts.filter((c) => c.take).map((c) => c.threshold));

  const builders = counts.map(() => new Map<string, IndexListBuilder>());
  forEachKeys(ordered, lowest, onRead, (keys, segment, offset) => {
    const name = segment.source.name;
    const base = segment.start + offset;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key < minThreshold) continue;
      for (let j = 0; j < cuts.length; j++) {
        const cut = cuts[j]!;
        if (!cut.take) continue;
        if (key > cut.threshold || (key === cut.threshold && cut.tiesLeft > 0)) {
          if (key === cut.threshold) cut.tiesLeft--;
          let list = builders[j]!.get(name);
          if (!list) builders[j]!.set(name, (list = new IndexListBuilder()));
          list.push(base + i);
        }
      }
    }
  });
  return builders.map((m) => new Map([...m].map(([name, list]) => [name, list.finish()])));
}

/**
 * The bucket where the running count from the top reaches `count`: elements in higher buckets
 * number `above` (< count ≤ above + hist[bucket]). With count 0 any answer is unused.
 */
function findBoundary(hist: Float64Array, count: number, alreadyAbove: number): { bucket: number; above: number } {
  let cum = alreadyAbove;
  for (let b = BINS - 1; b >= 0; b--) {
    const h = hist[b]!;
    if (cum + h >= count && h > 0) return { bucket: b, above: cum };
    cum += h;
  }
  return { bucket: 0, above: cum };
}

function forEachKeys(
  segments: Segment[],
  lowest: boolean,
  onRead: (elements: number) => void,
  visit: (keys: Uint32Array, segment: Segment, offset: number) => void,
): void {
  const buffer = new Uint32Array(READ_ELEMENTS);
  for (const segment of segments) {
    for (let offset = 0; offset < segment.length; offset += READ_ELEMENTS) {
      const length = Math.min(READ_ELEMENTS, segment.length - offset);
      const scores = segment.source.read(segment.start + offset, length);
      const keys = buffer.subarray(0, length);
      scoresToKeys(scores, keys, lowest, { name: segment.source.name, file: segment.source.file, offset: segment.start + offset });
      visit(keys, segment, offset);
      onRead(length);
    }
  }
}

/** A growable list of uint32 flat indices (appending in ascending order stays sorted). */
export class IndexListBuilder {
  private buffer = new Uint32Array(64);
  private length = 0;

  push(index: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = index;
  }

  finish(): Uint32Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * Map float32 scores to uint32 keys whose unsigned order is the scores' numeric order, so an
 * exact selection can histogram key bits instead of sorting: for a non-negative float the
 * key is its bits with the sign bit set; for a negative one, all bits flipped. −0 is keyed as
 * +0 (they are equal scores, so the (name, index) tie-break decides between them).
 * `lowest` flips every key, turning "n lowest" into "n highest" with the same tie-break.
 * Non-finite scores throw, naming the tensor and the flat index.
 */
export function scoresToKeys(
  scores: Float32Array,
  keys: Uint32Array,
  lowest: boolean,
  where: { name: string; file?: string; offset: number },
): void {
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const flip = lowest ? 0xffffffff : 0;
  for (let i = 0; i < bits.length; i++) {
    let b = bits[i]!;
    if ((b & 0x7f800000) === 0x7f800000) {
      throw new BprofError(`score of ${where.name} at flat index ${where.offset + i} is ${scores[i]} (scores must be finite)`, {
        file: where.file,
        field: where.name,
      });
    }
    if (b === 0x80000000) b = 0;
    keys[i] = ((b & 0x80000000 ? ~b : b | 0x80000000) ^ flip) >>> 0;
  }
}
