import { aisColor, textColorOn } from "../colors.js";
import { formatAis, formatInterval } from "../format.js";
import { svg, type Markup } from "../markup.js";
import type { Dependence } from "../../stats/profile-schema.js";
import { aisGradient, hatchFill, hatchPattern } from "./defs.js";
import { px, textWidth } from "./text.js";

export interface HeatCell {
  ais: number | null;
  ci: readonly [number, number] | null;
  dependence: Dependence;
  /** Shown on hover: the cell's full story (reason when undefined). */
  tooltip: string;
  /** Draws a highlight ring (used by compare for differences that clear their intervals). */
  highlight?: boolean;
  /** The benchmark was planted with this share of the ability (validation benchmarks): a dot in the corner. */
  planted?: number;
}

export interface HeatmapSpec {
  id: string;
  /** `note`: the base score and chance; `planted`: the planted mixture, in words, beside the row. */
  rows: { label: string; note?: string; planted?: string }[];
  /** `muted`: an ability the model does not possess (competence gate): greyed, never flagged. */
  columns: { label: string; muted?: boolean }[];
  cell: (row: number, column: number) => HeatCell | undefined;
  /** Draw the colour and flag legend under the matrix. */
  legend?: boolean;
}

const CELL_W = 84;
const CELL_H = 48;
const LABEL_FONT = 12.5;

/**
 * The benchmark × ability AIS matrix: colour on a diverging scale centred at 0, the value and
 * its interval printed in each cell, dependences outlined, interference dashed, undefined
 * cells, and cells whose interval is unbounded, hatched with their reason in the tooltip.
 */
export function aisHeatmap(spec: HeatmapSpec): Markup {
  // Every label is drawn whole: the chart is as wide and tall as its labels need. The row's
  // notes (base score, planted mixture) sit under its label, so the matrix stays within a
  // 1400-pixel window for ten abilities.
  const NOTE_FONT = 11;
  const PLANTED_FONT = 10;
  const rowLabelW = Math.max(
    90,
    ...spec.rows.map(
      (r) =>
        Math.max(
          textWidth(r.label, LABEL_FONT),
          r.note ? textWidth(r.note, NOTE_FONT) : 0,
          r.planted ? textWidth(r.planted, PLANTED_FONT) : 0,
        ) + 16,
    ),
  );
  // Column labels stand upright over their column: a label never runs past the grid, so the
  // chart's width is the row labels and the grid alone (a slanted label would overhang).
  // A not-possessed ability's label is grey, and its cells say "not possessed".
  const labelW = spec.columns.map((c) => textWidth(c.label, LABEL_FONT));
  const headerH = Math.max(48, ...labelW.map((w) => w + 18));
  const gridW = spec.columns.length * CELL_W;
  const gridH = spec.rows.length * CELL_H;
  const legendH = spec.legend === false ? 0 : 112;
  // The legend starts at the left edge (under the row labels); its longest line ends about 720 px right of it.
  const legendX = Math.max(8, Math.min(rowLabelW, rowLabelW + gridW - 720));
  const width = Math.max(rowLabelW + gridW + 16, spec.legend === false ? 0 : legendX + 730);
  const height = headerH + gridH + legendH + 8;
  const x0 = rowLabelW;
  const y0 = headerH;

  const headers = spec.columns.map((c, j) => {
    const x = x0 + j * CELL_W + CELL_W / 2;
    return svg`<g transform="translate(${px(x + 4)},${px(y0 - 8)}) rotate(-90)"><text class="axis-label${c.muted ? " muted" : ""}" text-anchor="start">${c.label}</text></g>`;
  });

  const rows = spec.rows.map((r, i) => {
    const top = y0 + i * CELL_H;
    const lines = 1 + (r.note ? 1 : 0) + (r.planted ? 1 : 0);
    const first = top + CELL_H / 2 + 4 - ((lines - 1) * 13) / 2;
    const note = r.note ? svg`<text class="note" x="${px(x0 - 10)}" y="${px(first + 13)}" text-anchor="end">${r.note}</text>` : "";
    const planted = r.planted
      ? svg`<text class="note planted" x="${px(x0 - 10)}" y="${px(first + 13 * (r.note ? 2 : 1))}" text-anchor="end">${r.planted}</text>`
      : "";
    return svg`<text class="axis-label" x="${px(x0 - 10)}" y="${px(first)}" text-anchor="end">${r.label}</text>${note}${planted}`;
  });

  const cells: Markup[] = [];
  spec.rows.forEach((_, i) =>
    spec.columns.forEach((__, j) => {
      const c = spec.cell(i, j);
      const x = x0 + j * CELL_W;
      const y = y0 + i * CELL_H;
      if (!c) {
        cells.push(
          svg`<rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="#ffffff" stroke="#e4e4e4"><title>not measured</title></rect>`,
        );
        return;
      }
      if (c.ais === null) {
        cells.push(
          svg`<g class="cell undefined"><rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${hatchFill(spec.id)}" stroke="#d0d0d0"/>${plantedDot(c.planted, x, y)}<text x="${px(x + CELL_W / 2)}" y="${px(y + CELL_H / 2 + 4)}" text-anchor="middle" class="cell-na">n/a</text><title>${c.tooltip}</title></g>`,
        );
        return;
      }
      // An unbounded interval (a base score too near chance) makes the value untrustworthy:
      // report.md marks it †, and here it is hatched like an undefined cell, not coloured.
      const unbounded = c.ci === null;
      const muted = spec.columns[j]!.muted === true;
      const fill = muted ? "#f1f2f4" : unbounded ? hatchFill(spec.id) : aisColor(c.ais);
      const ink = muted ? "#8a93a0" : unbounded ? "#333333" : textColorOn(fill);
      const flag = muted ? "" : flagOutline(c.dependence, x, y);
      const ring = c.highlight
        ? svg`<rect x="${px(x + 2.5)}" y="${px(y + 2.5)}" width="${CELL_W - 5}" height="${CELL_H - 5}" fill="none" stroke="#f2b705" stroke-width="3" rx="3"/>`
        : "";
      const strong = !muted && (c.dependence === "depends" || c.dependence === "interferes");
      cells.push(
        svg`<g class="cell ${c.dependence}${unbounded ? " unbounded" : ""}"><rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${fill}" stroke="${unbounded || muted ? "#d0d0d0" : "none"}" rx="2"/>${flag}${ring}${plantedDot(c.planted, x, y)}<text x="${px(x + CELL_W / 2)}" y="${px(y + 21)}" text-anchor="middle" class="cell-value${strong ? " strong" : ""}" fill="${ink}">${formatAis(c.ais)}</text><text x="${px(x + CELL_W / 2)}" y="${px(y + 36)}" text-anchor="middle" class="cell-ci" fill="${ink}">${muted ? "not possessed" : unbounded ? "unbounded †" : formatInterval(c.ci)}</text><title>${c.tooltip}</title></g>`,
      );
    }),
  );

  const legend = spec.legend === false ? "" : heatmapLegend(spec.id, legendX, y0 + gridH + 22);
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-label="AIS heatmap"><defs>${hatchPattern(spec.id)}${aisGradient(spec.id, aisColor)}</defs>${headers}${rows}${cells}${legend}</svg>`;
}

/** A planted ability's cell: a dot in the lower-left corner, its size growing with the planted share. */
function plantedDot(share: number | undefined, x: number, y: number): Markup | string {
  if (share === undefined || share <= 0) return "";
  return svg`<circle class="planted-dot" cx="${px(x + 8)}" cy="${px(y + CELL_H - 8)}" r="${px(2 + 3 * Math.min(1, share))}" fill="#1d232b" stroke="#fff" stroke-width="1"><title>planted share ${Math.round(share * 100)}%</title></circle>`;
}

function flagOutline(dependence: Dependence, x: number, y: number): Markup | string {
  if (dependence === "depends") {
    return svg`<rect x="${px(x + 2)}" y="${px(y + 2)}" width="${CELL_W - 4}" height="${CELL_H - 4}" fill="none" stroke="#111" stroke-width="2.5" rx="2"/><path d="M${px(x + CELL_W - 13)},${px(y + 4)} h9 v9 z" fill="#111"/>`;
  }
  if (dependence === "interferes") {
    return svg`<rect x="${px(x + 2)}" y="${px(y + 2)}" width="${CELL_W - 4}" height="${CELL_H - 4}" fill="none" stroke="#111" stroke-width="2" stroke-dasharray="5 3" rx="2"/>`;
  }
  return "";
}

function heatmapLegend(prefix: string, x: number, y: number): Markup {
  const barW = 180;
  const flagX = x + barW + 40;
  return svg`<g class="legend" transform="translate(${px(x)},${px(y)})">
<text class="legend-title" x="0" y="-6">AIS</text>
<rect x="0" y="0" width="${barW}" height="12" fill="url(#${prefix}-ais)" stroke="#ccc"/>
<text class="tick" x="0" y="26" text-anchor="start">≤ −1</text><text class="tick" x="${barW / 2}" y="26" text-anchor="middle">0</text><text class="tick" x="${barW}" y="26" text-anchor="end">≥ 1</text>
<text class="tick muted" x="0" y="40">ablation helps</text><text class="tick muted" x="${barW}" y="40" text-anchor="end">down to chance</text>
<g transform="translate(${px(flagX - x)},0)">
<rect x="0" y="-2" width="22" height="15" fill="#fddbc7" stroke="#111" stroke-width="2.5"/><path d="M12,0 h8 v8 z" fill="#111"/><text class="tick" x="30" y="10">dependence: interval above the null band</text>
<rect x="0" y="20" width="22" height="15" fill="#d1e5f0" stroke="#111" stroke-width="2" stroke-dasharray="5 3"/><text class="tick" x="30" y="32">interference: interval below the null band</text>
<rect x="0" y="42" width="22" height="15" fill="url(#${prefix}-hatch)" stroke="#d0d0d0"/><text class="tick" x="30" y="54">undefined: model near chance (hover for the reason)</text>
<rect x="0" y="64" width="22" height="15" fill="#f1f2f4" stroke="#d0d0d0"/><text class="tick" x="30" y="76">grey: an ability the model does not possess (never a dependence)</text>
<circle cx="11" cy="93" r="4.5" fill="#1d232b"/><text class="tick" x="30" y="97">planted ability of a planted benchmark (dot size: its share)</text>
</g></g>`;
}
