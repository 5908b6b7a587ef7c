import { textColorOn } from "../colors.js";
import { svg, type Markup } from "../markup.js";
import { hatchFill, hatchPattern } from "./defs.js";
import { px, textWidth } from "./text.js";

export interface MatrixSpec {
  id: string;
  rowLabels: string[];
  columnLabels: string[];
  values: (number | null)[][];
  color: (value: number) => string;
  format: (value: number) => string;
  /** Tooltip per cell. */
  describe: (row: number, column: number, value: number | null) => string;
  /** Draw the diagonal in neutral grey (e.g. a mask's Jaccard with itself). */
  mutedDiagonal?: boolean;
  /** Rows and columns of abilities the model does not possess: grey labels and cells. */
  muted?: readonly boolean[];
  rowAxis: string;
  columnAxis: string;
  legend: Markup | string;
}

const CELL = 46;
const FONT = 12;

/** A labelled square matrix (selectivity, overlap). */
export function matrixChart(spec: MatrixSpec): Markup {
  const muted = (i: number) => spec.muted?.[i] === true;
  const label = (l: string, i: number) => (muted(i) ? `${l} (not possessed)` : l);
  const rowW = Math.max(70, ...spec.rowLabels.map((l, i) => textWidth(label(l, i), FONT) + 14));
  const columnW = spec.columnLabels.map((l, j) => textWidth(label(l, j), FONT));
  // Column labels are rotated by 32°: height sin 32° ≈ 0.53, reach to the right cos 32° ≈ 0.85 of their length.
  const headerH = Math.max(50, ...columnW.map((w) => w * 0.53 + 26));
  const x0 = rowW + 18;
  const y0 = headerH;
  const n = spec.columnLabels.length;
  const overhang = Math.max(0, ...columnW.map((w, j) => CELL * (j + 0.5) + w * 0.85 - n * CELL));
  const width = x0 + n * CELL + Math.max(150, overhang + 16, 330);
  const height = y0 + spec.rowLabels.length * CELL + 70;
  const headers = spec.columnLabels.map(
    (l, j) =>
      svg`<g transform="translate(${px(x0 + j * CELL + CELL / 2)},${px(y0 - 8)}) rotate(-32)"><text class="axis-label${muted(j) ? " muted" : ""}">${label(l, j)}</text></g>`,
  );
  const rows = spec.rowLabels.map(
    (l, i) =>
      svg`<text class="axis-label${muted(i) ? " muted" : ""}" x="${px(x0 - 8)}" y="${px(y0 + i * CELL + CELL / 2 + 4)}" text-anchor="end">${label(l, i)}</text>`,
  );
  const cells: Markup[] = [];
  spec.values.forEach((row, i) =>
    row.forEach((v, j) => {
      const x = x0 + j * CELL;
      const y = y0 + i * CELL;
      const tip = spec.describe(i, j, v);
      if (v === null) {
        cells.push(
          svg`<g><rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL - 2}" height="${CELL - 2}" fill="${hatchFill(spec.id)}"/><title>${tip}</title></g>`,
        );
        return;
      }
      const fill = (spec.mutedDiagonal && i === j) || muted(i) || muted(j) ? "#eceef1" : spec.color(v);
      cells.push(
        svg`<g><rect x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL - 2}" height="${CELL - 2}" fill="${fill}" rx="2"${i === j ? svg` stroke="#444" stroke-width="1.2"` : ""}/><text class="cell-small" x="${px(x + CELL / 2)}" y="${px(y + CELL / 2 + 4)}" text-anchor="middle" fill="${textColorOn(fill)}">${spec.format(v)}</text><title>${tip}</title></g>`,
      );
    }),
  );
  const axes = svg`<text class="tick muted" x="4" y="${px(y0 - 10)}">${spec.rowAxis} ↓  ·  ${spec.columnAxis} →</text>`;
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart matrix" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img"><defs>${hatchPattern(spec.id)}</defs>${axes}${headers}${rows}${cells}<g transform="translate(${px(x0)},${px(y0 + spec.rowLabels.length * CELL + 22)})">${spec.legend}</g></svg>`;
}
