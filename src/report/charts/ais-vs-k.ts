import { categoricalColor } from "../colors.js";
import { formatAis, formatInterval, formatK } from "../format.js";
import { svg, type Markup } from "../markup.js";
import type { Dependence, NullBand } from "../../stats/profile-schema.js";
import { niceTicks, px, wrapText } from "./text.js";

export interface KPoint {
  k: number;
  ais: number | null;
  ci: readonly [number, number] | null;
  dependence: Dependence;
}

export interface KSeries {
  label: string;
  colorIndex: number;
  /** An ability the model does not possess: a grey dashed line, never flagged. */
  muted?: boolean;
  points: KPoint[];
}

export interface KPanelSpec {
  title: string;
  subtitle: string;
  ks: number[];
  series: KSeries[];
  bands: { k: number; band: NullBand | null }[];
  domain: readonly [number, number];
}

const W = 360;
const PLOT_H = 144;
const M0 = { left: 40, right: 14, bottom: 36 };

/**
 * How a benchmark's AIS grows with the ablated fraction k (log axis), one line per ability;
 * the null band is shaded along k. Filled points are flagged dependences.
 */
export function aisVersusK(spec: KPanelSpec): Markup {
  const [lo, hi] = spec.domain;
  const plotW = W - M0.left - M0.right;
  // Title and subtitle wrap (benchmark names break at underscores), never cut.
  const titleLines = wrapText(spec.title, W - 16, 13);
  const subtitleLines = wrapText(spec.subtitle, W - 16, 10.5);
  const M = { ...M0, top: 18 + 16 * titleLines.length + 13 * subtitleLines.length };
  const plotH = PLOT_H;
  const H = M.top + plotH + M.bottom;
  const logs = spec.ks.map((k) => Math.log10(k));
  const lmin = Math.min(...logs);
  const lmax = Math.max(...logs);
  const x = (k: number): number => M.left + (lmax === lmin ? plotW / 2 : ((Math.log10(k) - lmin) / (lmax - lmin)) * plotW);
  const y = (v: number): number => M.top + ((hi - Math.max(lo, Math.min(hi, v))) / (hi - lo)) * plotH;

  const grid = niceTicks(lo, hi, 5).map(
    (t) =>
      svg`<line x1="${M.left}" x2="${W - M.right}" y1="${px(y(t))}" y2="${px(y(t))}" class="${t === 0 ? "zero" : "grid"}"/><text class="tick" x="${M.left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${formatAis(t)}</text>`,
  );
  const xTicks = spec.ks.map(
    (k) =>
      svg`<line class="grid" x1="${px(x(k))}" x2="${px(x(k))}" y1="${M.top}" y2="${H - M.bottom}"/><text class="tick" x="${px(x(k))}" y="${H - M.bottom + 15}" text-anchor="middle">${formatK(k)}</text>`,
  );
  const bandPoints = spec.bands.filter((b): b is { k: number; band: NullBand } => b.band !== null);
  const band =
    bandPoints.length >= 2
      ? svg`<path class="null-band" d="M${bandPoints.map((b) => `${px(x(b.k))},${px(y(b.band.upper))}`).join(" L")} L${[...bandPoints]
          .reverse()
          .map((b) => `${px(x(b.k))},${px(y(b.band.lower))}`)
          .join(" L")} Z"><title>null band from random masks</title></path>`
      : bandPoints.map(
          (b) =>
            svg`<rect class="null-band" x="${px(x(b.k) - 6)}" width="12" y="${px(y(b.band.upper))}" height="${px(Math.max(1, y(b.band.lower) - y(b.band.upper)))}"/>`,
        );

  const lines = spec.series.map((s) => {
    const color = s.muted ? "#b8bec7" : categoricalColor(s.colorIndex);
    const defined = s.points.filter((p): p is KPoint & { ais: number } => p.ais !== null).sort((a, b) => a.k - b.k);
    const path =
      defined.length >= 2
        ? svg`<polyline fill="none" stroke="${color}" stroke-width="2"${s.muted ? svg` stroke-dasharray="4 3"` : ""} points="${defined.map((p) => `${px(x(p.k))},${px(y(p.ais))}`).join(" ")}"/>`
        : "";
    const dots = defined.map((p) => {
      const flagged = !s.muted && (p.dependence === "depends" || p.dependence === "interferes");
      const ci = p.ci
        ? svg`<line x1="${px(x(p.k))}" x2="${px(x(p.k))}" y1="${px(y(p.ci[1]))}" y2="${px(y(p.ci[0]))}" stroke="${color}" stroke-opacity="0.45" stroke-width="1.5"/>`
        : "";
      return svg`<g>${ci}<circle cx="${px(x(p.k))}" cy="${px(y(p.ais))}" r="3.6" fill="${flagged ? color : "#fff"}" stroke="${color}" stroke-width="1.6"/><title>${s.label}, k = ${formatK(p.k)}: AIS ${formatAis(p.ais)} ${formatInterval(p.ci)}, ${p.dependence}</title></g>`;
    });
    return svg`<g class="series">${path}${dots}</g>`;
  });
  const nothing = spec.series.every((s) => s.points.every((p) => p.ais === null))
    ? svg`<text class="note" x="${px(M.left + plotW / 2)}" y="${px(M.top + plotH / 2)}" text-anchor="middle">AIS undefined at every k</text><text class="tick muted" x="${px(M.left + plotW / 2)}" y="${px(M.top + plotH / 2 + 15)}" text-anchor="middle">model near chance</text>`
    : "";
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart k-curve" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="AIS versus k">${titleLines.map((l, i) => svg`<text class="panel-title" x="8" y="${16 + 16 * i}">${l}</text>`)}${subtitleLines.map((l, i) => svg`<text class="tick muted" x="8" y="${px(15 + 16 * titleLines.length + 13 * i)}">${l}</text>`)}${band}${grid}${xTicks}${lines}${nothing}<text class="tick muted" x="${px(M.left + plotW / 2)}" y="${H - 4}" text-anchor="middle">ablated fraction k (log scale)</text></svg>`;
}
