import { aisColor, textColorOn } from "../colors.js";
import { formatAis, formatInterval } from "../format.js";
import { svg, type Markup } from "../markup.js";
import type { Dependence } from "../../stats/profile-schema.js";
import { aisGradient, hatchFill, hatchPattern } from "./defs.js";
import { px, textWidth, truncate } from "./text.js";

export interface HeatCell {
  ais: number | null;
  ci: readonly [number, number] | null;
  dependence: Dependence;
  /** Shown on hover: the cell's full story (reason when undefined). */
  tooltip: string;
  /** Draws a highlight ring (used by compare for differences that clear their intervals). */
  highlight?: boolean;
}

export interface HeatmapSpec {
  id: string;
  rows: { label: string; note?: string }[];
  columns: { label: string }[];
  cell: (row: number, column: number) => HeatCell | undefined;
  /** Draw the colour and flag legend under the matrix. */
  legend?: boolean;
}

const CELL_W = 86;
const CELL_H = 48;
const LABEL_FONT = 12.5;

/**
 * The benchmark × ability AIS matrix: colour on a diverging scale centred at 0, the value and
 * its interval printed in each cell, dependences outlined, interference dashed, undefined
 * cells, and cells whose interval is unbounded, hatched with their reason in the tooltip.
 */
export function aisHeatmap(spec: HeatmapSpec): Markup {
  const rowLabelW = Math.min(230, Math.max(90, ...spec.rows.map((r) => textWidth(r.label, LABEL_FONT) + 14)));
  const noteW = spec.rows.some((r) => r.note) ? 200 : 0;
  const headerH = Math.min(150, Math.max(48, ...spec.columns.map((c) => textWidth(c.label, LABEL_FONT) * 0.62 + 24)));
  const gridW = spec.columns.length * CELL_W;
  const gridH = spec.rows.length * CELL_H;
  const legendH = spec.legend === false ? 0 : 74;
  // Room on the right for the last rotated column label when there is no note column.
  const width = rowLabelW + gridW + Math.max(noteW, 130) + 30;
  const height = headerH + gridH + legendH + 8;
  const x0 = rowLabelW;
  const y0 = headerH;

  const headers = spec.columns.map((c, j) => {
    const x = x0 + j * CELL_W + CELL_W / 2;
    return svg`<g transform="translate(${px(x)},${px(y0 - 8)}) rotate(-32)"><text class="axis-label" text-anchor="start">${truncate(c.label, 170, LABEL_FONT)}<title>${c.label}</title></text></g>`;
  });

  const rows = spec.rows.map((r, i) => {
    const y = y0 + i * CELL_H + CELL_H / 2;
    const note = r.note
      ? svg`<text class="note" x="${px(x0 + gridW + 12)}" y="${px(y + 4)}">${truncate(r.note, noteW + 20, 11)}<title>${r.note}</title></text>`
      : "";
    return svg`<text class="axis-label" x="${px(x0 - 10)}" y="${px(y + 4)}" text-anchor="end">${truncate(r.label, rowLabelW - 14, LABEL_FONT)}<title>${r.label}</title></text>${note}`;
  });

  const cells: Markup[] = [];
  spec.rows.forEach((_, i) =>
    spec.columns.forEach((__, j) => {
      const c = spec.cell(i, j);
      const x = x0 + j * CELL_W;
      const y = y0 + i * CELL_H;
      if (!c) {
        cells.push(svg`<rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="#ffffff" stroke="#e4e4e4"><title>not measured</title></rect>`);
        return;
      }
      if (c.ais === null) {
        cells.push(
          svg`<g class="cell undefined"><rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${hatchFill(spec.id)}" stroke="#d0d0d0"/><text x="${px(x + CELL_W / 2)}" y="${px(y + CELL_H / 2 + 4)}" text-anchor="middle" class="cell-na">n/a</text><title>${c.tooltip}</title></g>`,
        );
        return;
      }
      // An unbounded interval (a base score too near chance) makes the value untrustworthy:
      // report.md marks it †, and here it is hatched like an undefined cell, not coloured.
      const unbounded = c.ci === null;
      const fill = unbounded ? hatchFill(spec.id) : aisColor(c.ais);
      const ink = unbounded ? "#333333" : textColorOn(fill);
      const flag = flagOutline(c.dependence, x, y);
      const ring = c.highlight
        ? svg`<rect x="${px(x + 2.5)}" y="${px(y + 2.5)}" width="${CELL_W - 5}" height="${CELL_H - 5}" fill="none" stroke="#f2b705" stroke-width="3" rx="3"/>`
        : "";
      cells.push(
        svg`<g class="cell ${c.dependence}${unbounded ? " unbounded" : ""}"><rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${fill}" stroke="${unbounded ? "#d0d0d0" : "none"}" rx="2"/>${flag}${ring}<text x="${px(x + CELL_W / 2)}" y="${px(y + 21)}" text-anchor="middle" class="cell-value${c.dependence === "depends" || c.dependence === "interferes" ? " strong" : ""}" fill="${ink}">${formatAis(c.ais)}</text><text x="${px(x + CELL_W / 2)}" y="${px(y + 36)}" text-anchor="middle" class="cell-ci" fill="${ink}">${unbounded ? "unbounded †" : formatInterval(c.ci)}</text><title>${c.tooltip}</title></g>`,
      );
    }),
  );

  const legend = spec.legend === false ? "" : heatmapLegend(spec.id, x0, y0 + gridH + 22);
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap" width="${px(Math.max(width, x0 + 560))}" height="${px(height)}" viewBox="0 0 ${px(Math.max(width, x0 + 560))} ${px(height)}" role="img" aria-label="AIS heatmap"><defs>${hatchPattern(spec.id)}${aisGradient(spec.id, aisColor)}</defs>${headers}${rows}${cells}${legend}</svg>`;
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
</g></g>`;
}
