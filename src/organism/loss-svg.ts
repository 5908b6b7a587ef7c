/**
 * The training loss curve as a small self-contained SVG: raw per-step loss in light grey,
 * a moving average on top, log-scaled y axis with labelled ticks.
 */
export function lossCurveSvg(points: readonly { step: number; loss: number }[], opts: { title: string; smoothing?: number }): string {
  const width = 640;
  const height = 360;
  const margin = { left: 56, right: 16, top: 32, bottom: 40 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  if (points.length === 0) throw new Error("loss curve: no points");
  const window = opts.smoothing ?? Math.max(1, Math.round(points.length / 50));
  const smoothed = points.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    const slice = points.slice(from, i + 1);
    return slice.reduce((s, p) => s + p.loss, 0) / slice.length;
  });
  const maxStep = points[points.length - 1]!.step;
  const losses = points.map((p) => p.loss).filter((l) => l > 0);
  const lo = Math.log10(Math.min(...losses));
  const hi = Math.log10(Math.max(...losses));
  const span = Math.max(hi - lo, 1e-6);
  const x = (step: number) => margin.left + (step / maxStep) * plotW;
  const y = (loss: number) => margin.top + (1 - (Math.log10(Math.max(loss, 1e-9)) - lo) / span) * plotH;
  const path = (values: number[]) =>
    values.map((v, i) => `${i === 0 ? "M" : "L"}${x(points[i]!.step).toFixed(1)},${y(v).toFixed(1)}`).join("");
  const ticks: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) ticks.push(v);
    }
  const stepTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * maxStep));
  const text = (tx: number, ty: number, s: string, anchor = "middle") =>
    `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}" font-size="11" font-family="sans-serif">${s}</text>`;
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
      `<rect width="${width}" height="${height}" fill="white"/>`,
      text(width / 2, 18, escapeXml(opts.title)),
      `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
      ...ticks.map(
        (v) =>
          `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>` +
          text(margin.left - 6, y(v) + 4, String(Number(v.toPrecision(2))), "end"),
      ),
      ...stepTicks.map((s) => text(x(s), margin.top + plotH + 16, String(s))),
      text(margin.left + plotW / 2, height - 6, "step"),
      `<text x="14" y="${margin.top + plotH / 2}" transform="rotate(-90 14 ${margin.top + plotH / 2})" text-anchor="middle" font-size="11" font-family="sans-serif">weighted loss (log scale)</text>`,
      `<path d="${path(points.map((p) => p.loss))}" fill="none" stroke="#bbb" stroke-width="0.8"/>`,
      `<path d="${path(smoothed)}" fill="none" stroke="#1f5fa8" stroke-width="1.8"/>`,
      `</svg>`,
    ].join("\n") + "\n"
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
