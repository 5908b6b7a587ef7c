import { sequentialColor, textColorOn } from "../colors.js";
import { formatShare } from "../format.js";
import { svg, type Markup } from "../markup.js";
import { px, textWidth } from "./text.js";

export interface LayerMapRow {
  label: string;
  /** A mask of an ability the model does not possess: its label greyed. */
  muted?: boolean;
  nSelected: number;
  layerShare: { layer: number; share: number }[];
  matrixShare: { matrix: string; share: number }[];
}

/** One colour per matrix type, attention in blues, MLP in warm tones. */
const MATRIX_COLORS: Record<string, string> = {
  "self_attn.q_proj": "#9ecae1",
  "self_attn.k_proj": "#6baed6",
  "self_attn.v_proj": "#3182bd",
  "self_attn.qkv_proj": "#4292c6",
  "self_attn.o_proj": "#08519c",
  "mlp.gate_proj": "#fdae6b",
  "mlp.up_proj": "#f16913",
  "mlp.gate_up_proj": "#fd8d3c",
  "mlp.down_proj": "#a63603",
};

const FONT = 12;

/**
 * Where each mask lives: a row per mask, a column per decoder layer coloured by the share of
 * the mask's weights in that layer, and beside it the split over matrix types.
 */
export function layerMap(rows: LayerMapRow[], layers: number[]): Markup {
  const rowLabel = (r: LayerMapRow) => (r.muted ? `${r.label} (not possessed)` : r.label);
  const labelW = Math.max(80, ...rows.map((r) => textWidth(rowLabel(r), FONT) + 22));
  const cellW = Math.max(18, Math.min(44, 520 / Math.max(1, layers.length)));
  const cellH = 26;
  const x0 = labelW;
  const y0 = 34;
  const stackX = x0 + layers.length * cellW + 28;
  const stackW = 220;
  const maxShare = Math.max(0.05, ...rows.flatMap((r) => r.layerShare.map((l) => l.share)));
  const matrices = [...new Set(rows.flatMap((r) => r.matrixShare.map((m) => m.matrix)))].sort(
    (a, b) => matrixRank(a) - matrixRank(b) || a.localeCompare(b),
  );

  const header = layers.map(
    (l, j) =>
      svg`<text class="tick" x="${px(x0 + j * cellW + cellW / 2)}" y="${y0 - 8}" text-anchor="middle">${layers.length > 24 && l % 4 !== 0 ? "" : String(l)}</text>`,
  );
  const body = rows.map((r, i) => {
    const y = y0 + i * cellH;
    const byLayer = new Map(r.layerShare.map((l) => [l.layer, l.share]));
    const cells = layers.map((l, j) => {
      const share = byLayer.get(l) ?? 0;
      const fill = sequentialColor(share / maxShare);
      const text =
        cellW >= 34 && share > 0
          ? svg`<text class="cell-tiny" x="${px(x0 + j * cellW + cellW / 2)}" y="${px(y + cellH / 2 + 4)}" text-anchor="middle" fill="${textColorOn(fill)}">${Math.round(share * 100)}</text>`
          : "";
      return svg`<g><rect x="${px(x0 + j * cellW + 0.5)}" y="${px(y + 0.5)}" width="${px(cellW - 1)}" height="${cellH - 1}" fill="${fill}"/>${text}<title>${r.label}, layer ${l}: ${formatShare(share)} of ${r.nSelected.toLocaleString("en-US")} weights</title></g>`;
    });
    let sx = stackX;
    const stack = matrices.map((m) => {
      const share = r.matrixShare.find((s) => s.matrix === m)?.share ?? 0;
      const w = share * stackW;
      const seg = svg`<rect x="${px(sx)}" y="${px(y + 3)}" width="${px(w)}" height="${cellH - 6}" fill="${matrixColor(m)}"><title>${r.label}: ${formatShare(share)} in ${m}</title></rect>`;
      sx += w;
      return seg;
    });
    return svg`<text class="axis-label${r.muted ? " muted" : ""}" x="${px(x0 - 8)}" y="${px(y + cellH / 2 + 4)}" text-anchor="end">${rowLabel(r)}</text>${cells}${stack}`;
  });
  const legendY = y0 + rows.length * cellH + 22;
  const matrixLegend = matrices.map((m, i) => {
    const lx = stackX + (i % 2) * 118;
    const ly = legendY + Math.floor(i / 2) * 16;
    return svg`<rect x="${px(lx)}" y="${px(ly - 9)}" width="11" height="11" fill="${matrixColor(m)}"/><text class="tick" x="${px(lx + 15)}" y="${px(ly)}">${m.replace(/^(self_attn|mlp)\./, "")}</text>`;
  });
  const gradient = Array.from(
    { length: 6 },
    (_, i) => svg`<rect x="${px(x0 + i * 22)}" y="${px(legendY - 9)}" width="22" height="11" fill="${sequentialColor(i / 5)}"/>`,
  );
  const height = legendY + Math.max(24, Math.ceil(matrices.length / 2) * 16) + 14;
  const width = stackX + stackW + 20;
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart layer-map" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-label="Layer map of the masks"><text class="tick muted" x="${px(x0)}" y="12">decoder layer →</text><text class="tick muted" x="${px(stackX)}" y="12">share per matrix type</text>${header}${body}${gradient}<text class="tick" x="${px(x0)}" y="${px(legendY + 15)}">share of the mask per layer, from 0 to ${formatShare(maxShare)}</text>${matrixLegend}</svg>`;
}

function matrixRank(m: string): number {
  const order = Object.keys(MATRIX_COLORS);
  return order.includes(m) ? order.indexOf(m) : order.length;
}

function matrixColor(m: string): string {
  return MATRIX_COLORS[m] ?? "#999999";
}
