import { categoricalColor } from "../colors.js";
import { formatAis, formatInterval } from "../format.js";
import { svg, type Markup } from "../markup.js";
import type { Dependence } from "../../stats/profile-schema.js";
import { px, textWidth, wrapText } from "./text.js";

export interface FlowLink {
  source: number;
  target: number;
  ais: number;
  ci: readonly [number, number] | null;
  dependence: Dependence;
}

export interface FlowSpec {
  id: string;
  /** `muted`: an ability the model does not possess; it has no ribbon and a grey label. */
  sources: { label: string; colorIndex: number; muted?: boolean }[];
  targets: { label: string }[];
  links: FlowLink[];
  threshold: number;
}

const NODE_W = 12;
const GAP = 14;
const FONT = 12.5;
const TARGET_LINE = 320;

/**
 * Abilities (left) flowing into benchmarks (right), one ribbon per AIS at or above the
 * threshold, its width proportional to the AIS: the benchmark-profiling paper's first figure.
 * Ribbons of flagged dependences are opaque, the others faint, so the eye lands on what the
 * statistics support.
 */
export function flowChart(spec: FlowSpec): Markup {
  // An ability the model lacks never flows into a benchmark (competence gate).
  const links = spec.links.filter((l) => l.ais >= spec.threshold && spec.sources[l.source]?.muted !== true);
  const sourceLabel = (s: FlowSpec["sources"][number]) => (s.muted ? `${s.label} (not possessed)` : s.label);
  const leftW = Math.max(80, ...spec.sources.map((s) => textWidth(sourceLabel(s), FONT) + 16));
  // Benchmark names longer than a column wrap onto a second line rather than widen the chart.
  const targetLines = spec.targets.map((t) => wrapText(t.label, TARGET_LINE, FONT));
  const rightW = Math.max(80, ...targetLines.flat().map((l) => textWidth(l, FONT) + 16));
  // The ribbons take what a 1200-pixel chart leaves, within reason.
  const innerW = Math.max(240, Math.min(430, 1200 - leftW - rightW));
  const width = Math.max(leftW + innerW + rightW, leftW + 700);
  const innerH = Math.max(260, 34 * Math.max(spec.sources.length, spec.targets.length));
  const top = 16;

  const sourceSum = spec.sources.map((_, i) => sum(links.filter((l) => l.source === i).map((l) => l.ais)));
  const targetSum = spec.targets.map((_, j) => sum(links.filter((l) => l.target === j).map((l) => l.ais)));
  const minNode = 4;
  const scaleFor = (sums: number[]): number => {
    const free = innerH - GAP * (sums.length - 1) - minNode * sums.length;
    return free / Math.max(1e-9, sum(sums));
  };
  const scale = Math.min(scaleFor(sourceSum), scaleFor(targetSum), 120);
  const layout = (sums: number[]): { y: number; h: number }[] => {
    const heights = sums.map((s) => s * scale + minNode);
    const total = sum(heights) + GAP * (heights.length - 1);
    let y = top + (innerH - total) / 2;
    return heights.map((h) => {
      const node = { y, h };
      y += h + GAP;
      return node;
    });
  };
  const sourceNodes = layout(sourceSum);
  const targetNodes = layout(targetSum);

  // Stack ribbons inside each node in the order of the other end, which avoids most crossings.
  const sourceOffset = sourceNodes.map((n) => n.y + minNode / 2);
  const targetOffset = targetNodes.map((n) => n.y + minNode / 2);
  const xa = leftW + NODE_W;
  const xb = leftW + innerW - NODE_W;
  const xm = (xa + xb) / 2;
  const bySource = [...links].sort((a, b) => a.source - b.source || a.target - b.target);
  const byTarget = [...links].sort((a, b) => a.target - b.target || a.source - b.source);
  const sourceY = new Map<FlowLink, number>();
  const targetY = new Map<FlowLink, number>();
  for (const l of bySource) {
    sourceY.set(l, sourceOffset[l.source]!);
    sourceOffset[l.source]! += l.ais * scale;
  }
  for (const l of byTarget) {
    targetY.set(l, targetOffset[l.target]!);
    targetOffset[l.target]! += l.ais * scale;
  }

  // Faint ribbons first so the flagged ones are drawn on top.
  const drawOrder = [...bySource].sort((a, b) => Number(a.dependence === "depends") - Number(b.dependence === "depends"));
  const ribbons = drawOrder.map((l) => {
    const w = l.ais * scale;
    const y0 = sourceY.get(l)!;
    const y1 = targetY.get(l)!;
    const d = `M${px(xa)},${px(y0)} C${px(xm)},${px(y0)} ${px(xm)},${px(y1)} ${px(xb)},${px(y1)} L${px(xb)},${px(y1 + w)} C${px(xm)},${px(y1 + w)} ${px(xm)},${px(y0 + w)} ${px(xa)},${px(y0 + w)} Z`;
    const flagged = l.dependence === "depends";
    const source = spec.sources[l.source]!;
    const tip = `${source.label} → ${spec.targets[l.target]!.label}: AIS ${formatAis(l.ais)} ${formatInterval(l.ci)} (${flagged ? "dependence" : "not above the null band"})`;
    return svg`<path class="ribbon${flagged ? " flagged" : ""}" d="${d}" fill="${categoricalColor(source.colorIndex)}" fill-opacity="${flagged ? 0.72 : 0.22}"><title>${tip}</title></path>`;
  });

  const sourceMarks = spec.sources.map((s, i) => {
    const n = sourceNodes[i]!;
    const empty = sourceSum[i] === 0;
    return svg`<rect x="${px(leftW)}" y="${px(n.y)}" width="${NODE_W}" height="${px(n.h)}" fill="${empty ? "#cfcfcf" : categoricalColor(s.colorIndex)}" rx="2"/><text class="axis-label${empty ? " muted" : ""}" x="${px(leftW - 8)}" y="${px(n.y + n.h / 2 + 4)}" text-anchor="end">${sourceLabel(s)}</text>`;
  });
  const targetMarks = spec.targets.map((t, j) => {
    const n = targetNodes[j]!;
    const empty = targetSum[j] === 0;
    const lines = targetLines[j]!;
    const first = n.y + n.h / 2 + 4 - ((lines.length - 1) * 14) / 2;
    return svg`<rect x="${px(xb)}" y="${px(n.y)}" width="${NODE_W}" height="${px(n.h)}" fill="${empty ? "#cfcfcf" : "#555"}" rx="2"/>${lines.map((l, i) => svg`<text class="axis-label${empty ? " muted" : ""}" x="${px(xb + NODE_W + 8)}" y="${px(first + 14 * i)}">${l}</text>`)}`;
  });
  const height = top + innerH + 46;
  const caption = svg`<text class="tick muted" x="${px(leftW)}" y="${px(top + innerH + 30)}">ribbon width ∝ AIS; ribbons with AIS ≥ ${spec.threshold}; opaque: dependence (interval above the null band)</text>`;
  const empty =
    links.length === 0
      ? svg`<text class="note" x="${px(width / 2)}" y="${px(top + innerH / 2)}" text-anchor="middle">no AIS reaches ${spec.threshold}</text>`
      : "";
  return svg`<svg xmlns="http://www.w3.org/2000/svg" class="chart flow" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-label="Abilities to benchmarks flow">${ribbons}${sourceMarks}${targetMarks}${empty}${caption}</svg>`;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
