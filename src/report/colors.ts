/**
 * Colour scales. AIS uses a diverging scale centred at 0 (blue: the ablation helped, red: it
 * hurt), saturating at ±1 since |AIS| = 1 already means "down to chance". Stops are ColorBrewer
 * RdBu, which stays readable for the common colour-vision deficiencies.
 */
const RDBU = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"];

/** ColorBrewer Purples for shares and Jaccard (0 → white). */
const PURPLES = ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"];

/** Tableau 10: one colour per ability across every chart. */
export const CATEGORICAL = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export function aisColor(ais: number): string {
  return interpolate(RDBU, (Math.max(-1, Math.min(1, ais)) + 1) / 2);
}

export function sequentialColor(t: number): string {
  return interpolate(PURPLES, Math.max(0, Math.min(1, t)));
}

export function categoricalColor(i: number): string {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length]!;
}

/** Dark text on light fills, white on dark ones (relative luminance). */
export function textColorOn(fill: string): string {
  const [r, g, b] = rgb(fill).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.36 ? "#1a1a1a" : "#ffffff";
}

function interpolate(stops: readonly string[], t: number): string {
  const x = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = rgb(stops[i]!);
  const b = rgb(stops[i + 1]!);
  return `#${a
    .map((c, j) =>
      Math.round(c + f * (b[j]! - c))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
