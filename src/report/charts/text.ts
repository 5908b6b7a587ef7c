/**
 * Approximate text metrics for layout without a browser. The average advance of a
 * proportional sans-serif glyph is about 0.58 em; layout reserves 0.64 em, the width of the
 * widest common fallback (DejaVu Sans), so that no label is ever cut: charts size themselves
 * to their labels instead of shortening them (checked in Chromium at 1400 px,
 * test/integration/report-browser.test.ts).
 */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.64;
}

/**
 * `text` broken into lines of at most `width` pixels at spaces; a word longer than a line is
 * broken after its underscores or hyphens (benchmark names), else it gets a line of its own.
 */
export function wrapText(text: string, width: number, fontSize: number): string[] {
  // Each piece says whether a space separates it from the piece before it.
  const pieces: { text: string; spaced: boolean }[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const parts = textWidth(word, fontSize) > width ? word.split(/(?<=[_-])/) : [word];
    parts.forEach((part, i) => pieces.push({ text: part, spaced: i === 0 }));
  }
  const lines: string[] = [];
  let line = "";
  for (const piece of pieces) {
    const candidate = line === "" ? piece.text : `${line}${piece.spaced ? " " : ""}${piece.text}`;
    if (line !== "" && textWidth(candidate, fontSize) > width) {
      lines.push(line);
      line = piece.text;
    } else {
      line = candidate;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Round-number axis ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => span / s <= count) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9; t += step)
    ticks.push(Math.abs(t) < 1e-12 ? 0 : Number(t.toPrecision(12)));
  return ticks;
}

/** A number as an SVG coordinate: short, and never "NaN" in the markup. */
export function px(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`non-finite coordinate ${value}`);
  return String(Math.round(value * 100) / 100);
}
