import { categoricalColor } from "../colors.js";
import { formatAis, formatInterval } from "../format.js";
import { svg, type Markup } from "../markup.js";
import type { Dependence, NullBand } from "../../stats/profile-schema.js";
import { hatchFill, hatchPattern } from "./defs.js";
import { niceTicks, px, wrapText } from "./text.js";

export interface Bar {
  label: string;
  /** A few letters under the bar; the full label is in the tooltip and the legend. */
  short: string;
  colorIndex: number;
  ais: number | null;
  ci: readonly [number, number] | null;
  dependence: Dependence;
  /** AIS of the same ability's bottom-n control, drawn as a hollow diamond. */
  bottom: number | null;
  reason: string | null;
  /** An ability the model does not possess: a grey bar, never solid. */
  muted?: boolean;
}

export interface BarPanelSpec {
  id: string;
  title: string;
  subtitle: string;
  bars: Bar[];
  band: NullBand | null;
  /** Shared y range so panels compare at a glance. */
  domain: readonly [number, number];
}

const W = 360;
const PLOT_H = 141;
const M = { left: 40, right: 10, bottom: 34 };

/**
 * One benchmark: a bar per ability with its paired-bootstrap interval as a whisker, the
 * random-control null band shaded behind, the bottom-n control as a diamond. Bars that clear
 * the band are solid, the others pale.
 */
export function barPanel(spec: BarPanelSpec): Markup {
  const [lo, hi] = spec.domain;
  const plotW = W - M.left - M.right;
  // Title and subtitle are wrapped, never cut: the panel grows by a line where it must.
  const titleLines = wrapText(spec.title, plotW + 30, 13);
  const subtitleLines = wrapText(spec.subtitle, plotW + 30, 10.5);
  const top = 18 + 16 * titleLines.length + 13 * subtitleLines.length;
  const plotH = PLOT_H;
  const H = top + plotH + M.bottom;
  const MT = { ...M, top };
  const y = (v: number): number => MT.top + ((hi - Math.max(lo, Math.min(hi, v))) / (hi - lo)) * plotH;
  const slot = plotW / Math.max(1, spec.bars.length);
  const barW = Math.min(30, slot * 0.62);

  const ticks = niceTicks(lo, hi, 5).map(
    (t) =>
      svg`<line x1="${M.left}" x2="${W - M.right}" y1="${px(y(t))}" y2="${px(y(t))}" class="${t === 0 ? "zero" : "grid"}"/><text class="tick" x="${M.left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${formatAis(t)}</text>`,
  );
  const band = spec.band
    ? svg`<rect class="null-band" x="${M.left}" y="${px(y(spec.band.upper))}" width="${px(plotW)}" height="${px(Math.max(1, y(spec.band.lower) - y(spec.band.upper)))}"><title>null band from ${spec.band.n_seeds} random masks: ${formatInterval([spec.band.lower, spec.band.upper])}</title></rect>`
    : "";

  const allUndefined = spec.bars.length > 0 && spec.bars.every((b) => b.ais === null);
  const bars = spec.bars.map((b, i) => {
    const cx = M.left + slot * (i + 0.5);
    const color = b.muted ? "#b8bec7" : categoricalColor(b.colorIndex);
    if (b.ais === null) {
      if (allUndefined) return "";
      return svg`<g><rect x="${px(cx - barW / 2)}" y="${px(y(hi))}" width="${px(barW)}" height="${px(plotH)}" fill="${hatchFill(spec.id)}" opacity="0.8"/><title>${b.label}: ${b.reason ?? "undefined"}</title></g>`;
    }
    const solid = !b.muted && (b.dependence === "depends" || b.dependence === "interferes");
    const top = y(Math.max(0, b.ais));
    const bottom = y(Math.min(0, b.ais));
    const whisker = b.ci
      ? svg`<line class="whisker" x1="${px(cx)}" x2="${px(cx)}" y1="${px(y(b.ci[1]))}" y2="${px(y(b.ci[0]))}"/><line class="whisker" x1="${px(cx - 5)}" x2="${px(cx + 5)}" y1="${px(y(b.ci[1]))}" y2="${px(y(b.ci[1]))}"/><line class="whisker" x1="${px(cx - 5)}" x2="${px(cx + 5)}" y1="${px(y(b.ci[0]))}" y2="${px(y(b.ci[0]))}"/>`
      : "";
    const diamond =
      b.bottom === null
        ? ""
        : svg`<path class="bottom-marker" d="M${px(cx + barW / 2 + 5)},${px(y(b.bottom) - 4)} l4,4 l-4,4 l-4,-4 z"><title>bottom-n control: AIS ${formatAis(b.bottom)}</title></path>`;
    const tip = `${b.label}${b.muted ? " (not possessed)" : ""}: AIS ${formatAis(b.ais)} ${formatInterval(b.ci)}, ${b.dependence}${b.reason ? ` (${b.reason})` : ""}`;
    return svg`<g class="bar ${b.dependence}"><rect x="${px(cx - barW / 2)}" y="${px(top)}" width="${px(barW)}" height="${px(Math.max(0.5, bottom - top))}" fill="${color}" fill-opacity="${solid ? 0.95 : 0.35}" stroke="${color}" stroke-width="1"/>${whisker}${diamond}<title>${tip}</title></g>`;
  });
  const undefinedNote = allUndefined
    ? svg`<rect x="${M.left}" y="${MT.top}" width="${px(plotW)}" height="${px(plotH)}" fill="${hatchFill(spec.id)}" opacity="0.7"/><text class="note" x="${px(M.left + plotW / 2)}" y="${px(MT.top + plotH / 2)}" text-anchor="middle">AIS undefined<title>${spec.bars[0]?.reason ?? ""}</title></text><text class="tick muted" x="${px(M.left + plotW / 2)}" y="${px(MT.top + plotH / 2 + 16)}" text-anchor="middle">model near chance</text>`
    : "";
  const initials = spec.bars.map(
    (b, i) =>
      svg`<text class="tick${b.muted ? " muted" : ""}" x="${px(M.left + slot * (i + 0.5))}" y="${px(H - M.bottom + 15)}" text-anchor="middle">${b.short}<title>${b.label}</title></text>`,
  );
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="AIS per ability"><defs>${hatchPattern(spec.id)}</defs>${titleLines.map((l, i) => svg`<text class="panel-title" x="8" y="${16 + 16 * i}">${l}</text>`)}${subtitleLines.map((l, i) => svg`<text class="tick muted" x="8" y="${px(16 + 16 * titleLines.length - 1 + 13 * i)}">${l}</text>`)}${band}${ticks}${bars}${undefinedNote}${initials}</svg>`;
}

/** A y range covering every bar, whisker and band, always including [−0.2, 1]. */
export function barDomain(values: number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  const lo = Math.min(-0.2, ...finite);
  const hi = Math.max(1, ...finite);
  const pad = (hi - lo) * 0.04;
  return [Math.max(-3, lo - pad), Math.min(4, hi + pad)];
}
