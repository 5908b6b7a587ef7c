import { aisHeatmap } from "./charts/heatmap.js";
import type { Comparison } from "./compare.js";
import { formatAis, formatInterval, formatK, formatScore } from "./format.js";
import { describeCell } from "./html-report.js";
import { html, type Markup } from "./markup.js";
import { escapeMarkdown, markdownCell } from "./markdown-report.js";
import { htmlPage } from "./page.js";
import { viewLabel } from "./profile-view.js";

function columnLabel(c: Comparison["columns"][number]): string {
  return `${c.run} · ${viewLabel(c.view, formatK)}`;
}

/** Cells taking part in at least one difference, as "row,column" keys. */
function differingCells(cmp: Comparison): Set<string> {
  const set = new Set<string>();
  for (const d of cmp.differences) {
    set.add(`${d.row},${d.a}`);
    set.add(`${d.row},${d.b}`);
  }
  return set;
}

/** compare.html: one heatmap per compared profile, the side-by-side table and the differences. */
export function renderCompareHtml(cmp: Comparison): string {
  const differing = differingCells(cmp);
  const benchmarks = [...new Set(cmp.rows.map((r) => r.benchmark))];
  const abilities = [...new Map(cmp.rows.map((r) => [r.ability, r.abilityName])).entries()];
  const rowIndex = new Map(cmp.rows.map((r, i) => [JSON.stringify([r.benchmark, r.ability]), i]));

  const heatmaps = cmp.columns.map((col, ci) => {
    const chart = aisHeatmap({
      id: `compare-heatmap-svg-${ci}`,
      rows: benchmarks.map((b) => ({ label: b })),
      columns: abilities.map(([, name]) => ({ label: name })),
      legend: ci === 0,
      cell: (r, c) => {
        const ri = rowIndex.get(JSON.stringify([benchmarks[r], abilities[c]![0]]));
        const cell = ri === undefined ? undefined : cmp.cells[ri]![ci];
        if (!cell) return undefined;
        return {
          ais: cell.ais,
          ci: cell.ais_ci,
          dependence: cell.dependence,
          tooltip: describeCell(cell, benchmarks[r]!, abilities[c]![1]),
          highlight: differing.has(`${ri},${ci}`),
        };
      },
    });
    return html`<figure id="compare-heatmap-${ci}">
      <figcaption>
        <h3>${columnLabel(col)}</h3>
        <p class="caption">
          ${col.index.profile.run.model.name}; yellow ring: the interval does not overlap another profile's for the same cell.
        </p>
      </figcaption>
      ${chart}
    </figure>`;
  });

  const table = html`<table>
    <thead>
      <tr>
        <th>benchmark</th>
        <th>ability</th>
        ${cmp.columns.map((c) => html`<th>${columnLabel(c)}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${cmp.rows.map(
        (r, ri) =>
          html`<tr>
            <td>${r.benchmark}</td>
            <td>${r.abilityName}</td>
            ${cmp.cells[ri]!.map((cell, ci) =>
              cell
                ? html`<td
                    class="num${differing.has(`${ri},${ci}`) ? " diff" : ""}"
                    title="${describeCell(cell, r.benchmark, r.abilityName)}"
                  >
                    ${formatAis(cell.ais)}
                    <span class="muted">${cell.ais === null ? "" : formatInterval(cell.ais_ci)}</span>
                    ${cell.dependence === "depends" || cell.dependence === "interferes" ? html`<span class="badge ${cell.dependence}">${cell.dependence}</span>` : ""}
                  </td>`
                : html`<td class="num muted">–</td>`,
            )}
          </tr>`,
      )}
    </tbody>
  </table>`;

  const diffs = cmp.differences.map((d) => {
    const r = cmp.rows[d.row]!;
    const x = cmp.cells[d.row]![d.a]!;
    const y = cmp.cells[d.row]![d.b]!;
    return html`<tr>
      <td>${r.benchmark}</td>
      <td>${r.abilityName}</td>
      <td>${columnLabel(cmp.columns[d.a]!)}</td>
      <td class="num">${formatAis(x.ais)} ${formatInterval(x.ais_ci)}</td>
      <td>${columnLabel(cmp.columns[d.b]!)}</td>
      <td class="num">${formatAis(y.ais)} ${formatInterval(y.ais_ci)}</td>
      <td class="num"><b>${d.delta >= 0 ? "+" : ""}${formatAis(d.delta)}</b></td>
    </tr>`;
  });

  const runs = html`<table>
    <thead>
      <tr>
        <th>run</th>
        <th>model</th>
        <th>hash</th>
        <th>benchmarks</th>
        <th>variants</th>
        <th>k</th>
      </tr>
    </thead>
    <tbody>
      ${cmp.runs.map(
        (r) =>
          html`<tr>
            <td>${r.label}</td>
            <td>${r.profile.run.model.name}</td>
            <td class="mono">${r.profile.run.model.hash}</td>
            <td>${r.profile.benchmarks.map((b) => `${b.name} (${formatScore(b.base_score)})`).join(", ")}</td>
            <td>${r.profile.run.options.variants.join(", ")}</td>
            <td>${r.profile.run.options.k.map(formatK).join(", ")}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;

  const body: Markup = html`<header class="top">
      <h1>Comparing ${cmp.runs.length} benchmark profiles</h1>
      <div class="sub">
        ${cmp.columns.length} profiles (run × variant × k) · ${cmp.differences.length} differences whose intervals do not overlap
      </div>
    </header>
    <main>
      <h2>Runs</h2>
      <figure id="compare-runs">${runs}</figure>
      <h2>Differences that clear their intervals</h2>
      <p class="lead">
        Pairs of profiles whose intervals for the same benchmark and ability do not overlap, largest change first. Overlapping intervals are
        not reported as differences.
      </p>
      <figure id="compare-differences">
        ${
          diffs.length
            ? html`<table>
                <thead>
                  <tr>
                    <th>benchmark</th>
                    <th>ability</th>
                    <th>profile A</th>
                    <th>AIS A</th>
                    <th>profile B</th>
                    <th>AIS B</th>
                    <th>B − A</th>
                  </tr>
                </thead>
                <tbody>
                  ${diffs}
                </tbody>
              </table>`
            : html`<p class="caption">No difference clears its intervals.</p>`
        }
      </figure>
      <h2>Profiles side by side</h2>
      <div id="compare-heatmaps">${heatmaps}</div>
      <h2>All cells</h2>
      <figure id="compare-table">${table}</figure>
    </main>
    <footer>bprof compare</footer>`;
  const sideBySide = "#compare-heatmaps { display: flex; flex-wrap: wrap; gap: 0 18px; } #compare-heatmaps > figure { flex: 0 1 auto; }";
  return htmlPage(`bprof compare · ${cmp.runs.map((r) => r.label).join(" vs ")}`, body, sideBySide).text;
}

/** compare.md: the side-by-side table and the list of differences. */
export function renderCompareMarkdown(cmp: Comparison): string {
  const differing = differingCells(cmp);
  const out: string[] = [`# Comparing ${cmp.runs.length} benchmark profiles`, ""];
  out.push(
    ...cmp.runs.map(
      (r) => `- **${escapeMarkdown(r.label)}**: ${escapeMarkdown(r.profile.run.model.name)} (${escapeMarkdown(r.profile.run.model.hash)})`,
    ),
    "",
  );
  out.push("## Differences that clear their intervals", "");
  if (cmp.differences.length === 0) out.push("No difference clears its intervals.", "");
  else {
    out.push("| benchmark | ability | profile A | AIS A | profile B | AIS B | B − A |", "| --- | --- | --- | ---: | --- | ---: | ---: |");
    for (const d of cmp.differences) {
      const r = cmp.rows[d.row]!;
      const x = cmp.cells[d.row]![d.a]!;
      const y = cmp.cells[d.row]![d.b]!;
      out.push(
        `| ${escapeMarkdown(r.benchmark)} | ${escapeMarkdown(r.abilityName)} | ${escapeMarkdown(columnLabel(cmp.columns[d.a]!))} | ${formatAis(x.ais)} ${formatInterval(x.ais_ci)} | ${escapeMarkdown(columnLabel(cmp.columns[d.b]!))} | ${formatAis(y.ais)} ${formatInterval(y.ais_ci)} | ${d.delta >= 0 ? "+" : ""}${formatAis(d.delta)} |`,
      );
    }
    out.push("");
  }
  out.push("## All cells", "", "Cells marked ◆ take part in a difference above.", "");
  out.push(`| benchmark | ability | ${cmp.columns.map((c) => escapeMarkdown(columnLabel(c))).join(" | ")} |`);
  out.push(`| --- | --- | ${cmp.columns.map(() => "---").join(" | ")} |`);
  cmp.rows.forEach((r, ri) =>
    out.push(
      `| ${escapeMarkdown(r.benchmark)} | ${escapeMarkdown(r.abilityName)} | ${cmp.cells[ri]!.map((c, ci) => markdownCell(c) + (differing.has(`${ri},${ci}`) ? " ◆" : "")).join(" | ")} |`,
    ),
  );
  out.push("");
  return out.join("\n");
}
