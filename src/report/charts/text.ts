/**
 * Approximate text metrics for layout without a browser: the average advance of a
 * proportional sans-serif glyph is about 0.58 em (digits and capitals a little more).
 */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.58;
}

/** Shorten to fit `width` pixels with an ellipsis; callers put the full text in a <title>. */
export function truncate(text: string, width: number, fontSize: number): string {
  const chars = [...text];
  const max = Math.max(1, Math.floor(width / (fontSize * 0.58)));
  return chars.length <= max ? text : chars.slice(0, Math.max(1, max - 1)).join("") + "…";
}

/** Round-number axis ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => span / s <= count) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9; t += step) ticks.push(Math.abs(t) < 1e-12 ? 0 : Number(t.toPrecision(12)));
  return ticks;
}

/** A number as an SVG coordinate: short, and never "NaN" in the markup. */
export function px(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`non-finite coordinate ${value}`);
  return String(Math.round(value * 100) / 100);
}
