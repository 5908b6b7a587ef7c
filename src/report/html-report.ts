import type { Cell, Profile } from "../stats/profile-schema.js";
import { abbreviations } from "./abbreviate.js";
import { aisVersusK } from "./charts/ais-vs-k.js";
import { barDomain, barPanel } from "./charts/bars.js";
import { flowChart } from "./charts/flow.js";
import { aisHeatmap, type HeatCell } from "./charts/heatmap.js";
import { layerMap } from "./charts/layer-map.js";
import { matrixChart } from "./charts/matrix.js";
import { aisColor, categoricalColor, sequentialColor } from "./colors.js";
import { formatAis, formatInterval, formatK, formatMetric, formatScore, formatShare } from "./format.js";
import { html, svg, trusted, type Markup } from "./markup.js";
import { htmlPage } from "./page.js";
import { ProfileIndex, viewLabel, type View } from "./profile-view.js";

export interface ReportOptions {
  /** Ribbons of the flow chart are drawn for AIS at or above this. */
  flowThreshold: number;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = { flowThreshold: 0.1 };

/** report.html: every chart of a profile in one offline page. */
export function renderProfileHtml(profile: Profile, options: ReportOptions = DEFAULT_REPORT_OPTIONS): string {
  const index = new ProfileIndex(profile);
  const run = profile.run;
  const short = abbreviations(profile.abilities.map((a) => a.id));
  const views = index.views;

  const radios = views.map((_, i) =>
    trusted(`<input type="radio" class="view-radio" name="view" id="view-radio-${i}"${i === 0 ? " checked" : ""}>`),
  );
  const tabs = html`<nav class="tabs" aria-label="variant and k">
    <span class="tabs-label">Ablation</span>${views.map((v, i) => html`<label for="view-radio-${i}">${viewLabel(v, formatK)}</label>`)}
  </nav>`;
  // The checked radio shows its view and highlights its tab, without any script.
  const viewCss = views
    .map(
      (_, i) =>
        `#view-radio-${i}:checked ~ .views > .view-${i} { display: block; } #view-radio-${i}:checked ~ .tabs label[for="view-radio-${i}"] { background: #1d232b; color: #fff; border-color: #1d232b; }`,
    )
    .join("\n");

  const body = html`<header class="top">
      <h1>Benchmark profile of ${run.model.name}</h1>
      <div class="sub">${headline(profile, index)}</div>
    </header>
    <main>
      ${renderSummary(index)} ${radios} ${tabs}
      <div class="views">${views.map((v, i) => renderView(index, v, i, short, options))}</div>
      ${views.length === 0 ? html`<p class="lead">This profile has no ablation cells.</p>` : ""} ${renderKCurves(index, short)}
      ${renderUndefined(index)} ${methodNotes(profile)}
      <details class="run-details">
        <summary>Run details: model hash, options, versions</summary>
        <dl>
          ${runFacts(profile).map(
            ([k, v]) =>
              html`<div>
                <dt>${k}</dt>
                <dd>${v}</dd>
              </div>`,
          )}
        </dl>
      </details>
    </main>
    <footer>bprof ${run.versions["bprof"] ?? ""} · generated from profile.json (schema ${profile.schema_version})</footer>`;
  return htmlPage(`bprof · ${run.model.name}`, body, viewCss).text;
}

/** One line under the title: what was profiled and how, the method's choices in words. */
function headline(profile: Profile, index: ProfileIndex): string {
  const o = profile.run.options as Record<string, unknown> & Profile["run"]["options"];
  const parts = [
    `${index.allBenchmarks.length} benchmarks × ${profile.abilities.length} abilities`,
    `${o.variants.join(", ")} · k ${o.k.map(formatK).join(", ")}`,
    typeof o.loss_scope === "string" ? `loss over the ${o.loss_scope === "answer" ? "answer tokens" : "whole chat"}` : "",
    typeof o.contrast === "string" ? (o.contrast === "none" ? "no contrast" : `contrastive selection (${o.contrast})`) : "",
    typeof o.preset === "string" ? `preset ${o.preset}` : "",
    `${Math.round(o.statistics.confidence * 100)}% intervals from ${o.statistics.bootstrap_samples} paired resamples`,
  ];
  return parts.filter(Boolean).join(" · ");
}

/**
 * The finding first: which benchmarks depend on which abilities in the first view, which
 * abilities the model lacks, which benchmarks are near chance, the selectivity index.
 */
function renderSummary(index: ProfileIndex): Markup {
  const profile = index.profile;
  const view = index.views[0];
  const items: Markup[] = [];
  if (view) {
    for (const b of index.benchmarks) {
      const deps = profile.abilities
        .map((a) => index.cell(b.name, a.id, view))
        .filter((c): c is Cell => c !== undefined && c.dependence === "depends")
        .sort((x, y) => (y.ais ?? 0) - (x.ais ?? 0));
      const planted = b.planted ? html` <span class="muted">(planted: ${plantedText(index, b.planted)})</span>` : "";
      items.push(
        deps.length
          ? html`<li>
              <b>${b.name}</b>${planted} depends on
              ${deps.map((c, j) => html`${j > 0 ? ", " : ""}<b>${index.abilityName(c.ability!)}</b> <span class="num">${formatAis(c.ais)}</span> <span class="muted">${formatInterval(c.ais_ci)}</span>`)}
            </li>`
          : html`<li><b>${b.name}</b>${planted}: no ability clears the null band.</li>`,
      );
    }
  }
  const lacking = (profile.competence?.abilities ?? []).filter((a) => !a.possessed);
  const notes: Markup[] = [];
  if (lacking.length) {
    notes.push(
      html`<p class="note-box">
        <b>Not possessed</b> (competence gate: the lower end of the test accuracy's ${Math.round(profile.competence!.confidence * 100)}%
        interval is not above chance + ${profile.competence!.margin}):
        ${lacking.map(
          (a, j) =>
            html`${j > 0 ? "; " : ""}${index.abilityName(a.ability)} (accuracy ${formatScore(a.accuracy)}, interval
            ${formatScore(a.ci[0])}–${formatScore(a.ci[1])}, chance ${formatScore(a.chance)})`,
        )}.
        Their columns are grey: a model that lacks an ability cannot show where it lives, and its mask is never counted as a dependence.
      </p>`,
    );
  } else if (profile.competence && !profile.competence.enabled) {
    notes.push(
      html`<p class="note-box">
        The competence gate was off (--no-gate): every ability is treated as possessed, whatever its test accuracy.
      </p>`,
    );
  }
  if (index.nearChance.length) {
    notes.push(
      html`<p class="note-box">
        <b>Near chance, left out of the charts</b>:
        ${index.nearChance.map(
          (b, j) =>
            html`${j > 0 ? "; " : ""}${b.name} (${formatMetric(b.metric)} ${formatScore(b.base_score)}, interval
            ${formatScore(b.base_ci[0])}–${formatScore(b.base_ci[1])}, chance ${formatScore(b.chance)})`,
        )}.
        The model barely clears chance there, so every AIS is a ratio over a tiny margin; the cells are in profile.csv and report.md.
      </p>`,
    );
  }
  const selectivity = view ? profile.selectivity?.find((x) => x.variant === view.variant && x.k === view.k) : undefined;
  if (selectivity) {
    notes.push(
      html`<p class="note-box">
        Self-profile selectivity index ${selectivity.index === null ? "undefined" : html`<b>${formatAis(selectivity.index)}</b>`} over the
        ${selectivity.index_abilities.length} possessed abilities (mean diagonal − mean off-diagonal; a method that localises abilities
        makes it large).
      </p>`,
    );
  }
  return html`<section id="summary">
    <h2>What this profile shows${view ? html` <span class="muted">(${viewLabel(view, formatK)})</span>` : ""}</h2>
    ${
      items.length
        ? html`<ul class="summary">
            ${items}
          </ul>`
        : ""
    }${notes}
  </section>`;
}

function plantedText(index: ProfileIndex, planted: Record<string, number>): string {
  return Object.entries(planted)
    .sort(([, x], [, y]) => y - x)
    .map(([a, w]) => `${index.abilityName(a)} ${Math.round(w * 100)}%`)
    .join(", ");
}

function runFacts(profile: Profile): [string, string][] {
  const run = profile.run;
  const controls = [
    run.options.controls.bottom ? "bottom-n" : "",
    run.options.controls.random_seeds.length ? `random × ${run.options.controls.random_seeds.length}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const o = run.options as Record<string, unknown>;
  const facts: [string, string][] = [
    ["model", `${run.model.name} (${run.model.n_params.toLocaleString("en-US")} params)`],
    ["model hash", run.model.hash],
    ["controls", controls || "none"],
    ...(["loss_scope", "aggregate", "score", "method", "contrast", "preset", "template_date", "limit"] as const)
      .filter((key) => o[key] !== undefined && o[key] !== null)
      .map((key): [string, string] => [key.replace(/_/g, " "), String(o[key])]),
    ["undefined below", `S_b(θ) − C_b < ${run.options.statistics.min_margin}`],
    ["bootstrap seed", String(run.options.statistics.seed)],
  ];
  for (const [name, version] of Object.entries(run.versions)) facts.push([`${name} version`, version]);
  return facts;
}

/** The full story of one cell, for tooltips and the undefined list. */
export function describeCell(cell: Cell, benchmark: string, abilityName: string): string {
  const head = `${benchmark} × ${abilityName} (${cell.variant}, k = ${formatK(cell.k)}): `;
  if (cell.ais === null) return `${head}AIS undefined. ${cell.undefined_reason ?? ""}`;
  const band = cell.null_band
    ? `null band ${formatInterval([cell.null_band.lower, cell.null_band.upper])} from ${cell.null_band.n_seeds} random masks`
    : "no null band";
  const ci = cell.ais_ci ? formatInterval(cell.ais_ci) : `interval unbounded (${cell.undefined_reason ?? ""})`;
  return `${head}AIS ${formatAis(cell.ais)} ${ci}; ablated score ${formatScore(cell.score)}; ${band}; ${cell.dependence}`;
}

function heatCell(
  index: ProfileIndex,
  cell: Cell | undefined,
  benchmark: Profile["benchmarks"][number],
  ability: { id: string; name: string },
): HeatCell | undefined {
  if (!cell) return undefined;
  const lacking = index.isPossessed(ability.id) ? "" : ` Not possessed: ${index.competenceOf(ability.id)?.reason ?? ""}`;
  return {
    ais: cell.ais,
    ci: cell.ais_ci,
    dependence: cell.dependence,
    tooltip: describeCell(cell, benchmark.name, ability.name) + lacking,
    planted: benchmark.planted?.[ability.id],
  };
}

function renderView(index: ProfileIndex, view: View, i: number, short: string[], options: ReportOptions): Markup {
  const profile = index.profile;
  const abilities = profile.abilities;
  const benchmarks = index.benchmarks;
  const label = viewLabel(view, formatK);
  const cellsHere = benchmarks.flatMap((b) =>
    abilities.map((a) => index.cell(b.name, a.id, view)).filter((c): c is Cell => c !== undefined),
  );

  const heatmap = aisHeatmap({
    id: `heatmap-svg-${i}`,
    rows: benchmarks.map((b) => ({
      label: b.name,
      note: `${formatMetric(b.metric)} ${formatScore(b.base_score)} · chance ${formatScore(b.chance)}`,
      // Ability ids, not names: the line sits under the benchmark's name and must stay short.
      planted: b.planted
        ? `planted ${Object.entries(b.planted)
            .sort(([, x], [, y]) => y - x)
            .map(([id, w]) => `${id} ${Math.round(w * 100)}%`)
            .join(", ")}`
        : undefined,
    })),
    columns: abilities.map((a) => ({ label: a.name, muted: !index.isPossessed(a.id) })),
    cell: (r, c) => heatCell(index, index.cell(benchmarks[r]!.name, abilities[c]!.id, view), benchmarks[r]!, abilities[c]!),
  });

  const flow = flowChart({
    id: `flow-svg-${i}`,
    sources: abilities.map((a, j) => ({ label: a.name, colorIndex: j, muted: !index.isPossessed(a.id) })),
    targets: benchmarks.map((b) => ({ label: b.name })),
    links: benchmarks.flatMap((b, t) =>
      abilities.flatMap((a, s) => {
        const c = index.cell(b.name, a.id, view);
        // A cell with an unbounded interval (base score near chance) is no evidence of flow.
        return c && c.ais !== null && c.ais_ci !== null
          ? [{ source: s, target: t, ais: c.ais, ci: c.ais_ci, dependence: c.dependence }]
          : [];
      }),
    ),
    threshold: options.flowThreshold,
  });

  const domain = barDomain(
    cellsHere.flatMap((c) => [c.ais ?? 0, ...(c.ais_ci ?? []), ...(c.null_band ? [c.null_band.lower, c.null_band.upper] : [])]),
  );
  const bars = benchmarks.map((b, bi) =>
    barPanel({
      id: `bars-svg-${i}-${bi}`,
      title: b.name,
      subtitle: `base ${formatMetric(b.metric)} ${formatScore(b.base_score)} · chance ${formatScore(b.chance)} · ${b.n_items} items${b.planted ? ` · planted: ${plantedText(index, b.planted)}` : ""}`,
      band: index.randomControls(b.name, view)[0]?.null_band ?? null,
      domain,
      bars: abilities.map((a, j) => {
        const c = index.cell(b.name, a.id, view);
        return {
          label: a.name,
          short: short[j]!,
          colorIndex: j,
          ais: c?.ais ?? null,
          ci: c?.ais_ci ?? null,
          dependence: c?.dependence ?? "untested",
          bottom: index.cell(b.name, a.id, view, "bottom")?.ais ?? null,
          reason: c ? c.undefined_reason : "not measured",
          muted: !index.isPossessed(a.id),
        };
      }),
    }),
  );

  const selectivity = profile.selectivity?.find((s) => s.variant === view.variant && s.k === view.k);
  const overlap = profile.overlap.find((o) => o.variant === view.variant && o.k === view.k);
  const masks = index.masksOf(view);
  const layers = [...new Set(masks.flatMap((m) => m.layer_share.map((l) => l.layer)))].sort((a, b) => a - b);
  const findings = cellsHere
    .filter((c) => c.dependence === "depends" || c.dependence === "interferes")
    .sort((a, b) => Math.abs(b.ais ?? 0) - Math.abs(a.ais ?? 0));

  return html`<section class="view view-${i}" data-view="${label}">
    <h2>Profile · ${label}</h2>
    <p class="lead">
      Each cell is AIS(a, b) = (S_b(θ) − S_b(θ<sup>−a</sup>)) / (S_b(θ) − C_b): the share of the benchmark's margin above chance that is
      lost when ability a's top-k weights are zeroed. A cell counts as a dependence only where its
      ${Math.round(profile.run.options.statistics.confidence * 100)}% interval clears the band that random masks of the same size produce.
    </p>
    <figure id="heatmap-${i}">
      <figcaption>
        <h3>Benchmark × ability AIS</h3>
        <p class="caption">
          Value and ${Math.round(profile.run.options.statistics.confidence * 100)}% paired-bootstrap interval per cell; under each benchmark
          its base score, chance and (planted benchmarks) the planted mixture. Hover a cell for its null band and details.
        </p>
      </figcaption>
      ${heatmap}
    </figure>
    <figure id="findings-${i}">
      <figcaption>
        <h3>Cells that clear the null band</h3>
        <p class="caption">
          Largest |AIS| first; red: the benchmark depends on the ability, blue: ablating the ability helps the benchmark. Abilities the
          model does not possess are never listed.
        </p>
      </figcaption>
      ${
        findings.length
          ? html`<ul class="findings">
                ${findings.slice(0, 12).map((c) => html`<li class="${c.dependence}"><b>${c.benchmark}</b> ${c.dependence === "depends" ? "depends on" : "is helped by ablating"} <b>${index.abilityName(c.ability ?? "")}</b> · AIS <span class="num">${formatAis(c.ais)}</span> <span class="muted">${formatInterval(c.ais_ci)}</span></li>`)}
              </ul>
              ${findings.length > 12 ? html`<p class="caption">and ${findings.length - 12} more in the heatmap.</p>` : ""}`
          : html`<p class="caption">No cell clears the null band in this view.</p>`
      }
    </figure>
    <figure id="flow-${i}">
      <figcaption>
        <h3>Which abilities flow into which benchmarks</h3>
        <p class="caption">
          Ribbons for AIS ≥ ${options.flowThreshold} (cells with an unbounded interval left out); width ∝ AIS; opaque ribbons are
          dependences that clear the null band.
        </p>
      </figcaption>
      ${flow}
    </figure>
    <figure id="bars-${i}">
      <figcaption>
        <h3>Per benchmark: AIS with intervals against the null band</h3>
        ${abilityLegend(index, short)}
        <div class="legend-row">
          <span><span class="sw" style="background:#9aa3ae;opacity:.5"></span>null band (random masks)</span
          ><span>│ ${Math.round(profile.run.options.statistics.confidence * 100)}% interval</span><span>◇ bottom-n control</span
          ><span>solid bar: clears the band</span>
        </div>
      </figcaption>
      <div class="panels">${bars}</div>
    </figure>
    ${renderSlices(index, view, i)} ${selectivity ? renderSelectivity(index, selectivity, i) : ""}
    ${overlap && overlap.abilities.length > 0 ? renderOverlap(index, overlap, i) : ""}
    ${
      masks.length > 0
        ? html`<figure id="layer-map-${i}">
            <figcaption>
              <h3>Where the masks live</h3>
              <p class="caption">
                Share of each mask's ${masks[0] ? masks[0].n_selected.toLocaleString("en-US") : ""} weights per decoder layer (numbers:
                percent), and per matrix type.
              </p>
            </figcaption>
            ${layerMap(
              masks.map((m) => ({
                label:
                  m.control === "none"
                    ? index.abilityName(m.ability ?? "")
                    : `${m.control}${m.seed !== null ? ` (seed ${m.seed})` : ""}${m.ability ? ` · ${index.abilityName(m.ability)}` : ""}`,
                muted: m.control === "none" && m.ability !== null && !index.isPossessed(m.ability),
                nSelected: m.n_selected,
                layerShare: m.layer_share,
                matrixShare: m.matrix_share,
              })),
              layers,
            )}
          </figure>`
        : ""
    }
  </section>`;
}

function abilityLegend(index: ProfileIndex, short: string[]): Markup {
  return html`<div class="legend-row">
    ${index.profile.abilities.map((a, j) =>
      index.isPossessed(a.id)
        ? html`<span
            ><span class="sw" style="background:${categoricalColor(j)}"></span><span class="abbr">${short[j]}</span>${a.name}</span
          >`
        : html`<span class="muted-ability"
            ><span class="sw" style="background:#b8bec7"></span><span class="abbr">${short[j]}</span>${a.name} (not possessed)</span
          >`,
    )}
  </div>`;
}

function renderSelectivity(index: ProfileIndex, s: NonNullable<Profile["selectivity"]>[number], i: number): Markup {
  const names = s.abilities.map((a) => index.abilityName(a));
  const chart = matrixChart({
    id: `selectivity-svg-${i}`,
    rowLabels: names,
    columnLabels: names,
    values: s.matrix,
    muted: s.abilities.map((a) => !s.index_abilities.includes(a)),
    color: aisColor,
    format: formatAis,
    describe: (r, c, v) => `ablate ${names[r]} → test split of ${names[c]}: AIS ${formatAis(v)}`,
    rowAxis: "ablated ability",
    columnAxis: "probe test split",
    legend: svg`<text class="tick">diverging AIS colours as in the heatmap; hatched: undefined</text>`,
  });
  return html`<figure id="selectivity-${i}">
    <figcaption>
      <h3>Self-profile selectivity</h3>
      <p class="caption">
        Each ability's own probe test split scored as a benchmark. A method that localises abilities puts the large values on the diagonal.
        Selectivity index (mean diagonal − mean off-diagonal, over the ${s.index_abilities.length} possessed abilities; grey rows and
        columns are left out): <b>${s.index === null ? "undefined" : formatAis(s.index)}</b>.
      </p>
    </figcaption>
    ${chart}
  </figure>`;
}

function renderOverlap(index: ProfileIndex, o: Profile["overlap"][number], i: number): Markup {
  const names = o.abilities.map((a) => index.abilityName(a));
  const off = o.jaccard.flatMap((row, r) => row.filter((v, c): v is number => r !== c && v !== null));
  // A fixed floor keeps colours comparable between views: low overlap stays light.
  const max = Math.max(0.25, ...off);
  const chart = matrixChart({
    id: `overlap-svg-${i}`,
    rowLabels: names,
    columnLabels: names,
    values: o.jaccard,
    muted: o.abilities.map((a) => !index.isPossessed(a)),
    color: (v) => sequentialColor(v / max),
    format: (v) => v.toFixed(2),
    describe: (r, c, v) => `${names[r]} ∩ ${names[c]}: Jaccard ${v === null ? "undefined (both masks empty)" : v.toFixed(3)}`,
    mutedDiagonal: true,
    rowAxis: "mask",
    columnAxis: "mask",
    legend: svg`${Array.from({ length: 6 }, (_, j) => svg`<rect x="${j * 22}" y="-9" width="22" height="11" fill="${sequentialColor(j / 5)}"/>`)}<text class="tick" x="140" y="0">Jaccard from 0 to ${max.toFixed(2)}</text>`,
  });
  return html`<figure id="overlap-${i}">
    <figcaption>
      <h3>Overlap between ability masks</h3>
      <p class="caption">
        Jaccard similarity |A ∩ B| / |A ∪ B| of the selected weights. Low overlap means the abilities were localised to different weights.
      </p>
    </figcaption>
    ${chart}
  </figure>`;
}

function renderKCurves(index: ProfileIndex, short: string[]): Markup {
  const profile = index.profile;
  // One k makes no curve: the section is drawn only for a variant with a sweep of k.
  const swept = index.variants().filter((variant) => index.ksOf(variant).length >= 2);
  if (swept.length === 0) return html``;
  const figures = swept.map((variant, vi) => {
    const ks = index.ksOf(variant);
    const cells = profile.cells.filter((c) => c.variant === variant && c.control !== "bottom");
    const domain = barDomain(cells.flatMap((c) => [c.ais ?? 0, ...(c.ais_ci ?? [])]));
    const panels = index.benchmarks.map((b) =>
      aisVersusK({
        title: b.name,
        subtitle: `${variant} · ${formatMetric(b.metric)} ${formatScore(b.base_score)} · chance ${formatScore(b.chance)}`,
        ks,
        domain,
        bands: ks.map((k) => ({ k, band: index.randomControls(b.name, { variant, k })[0]?.null_band ?? null })),
        series: profile.abilities.map((a, j) => ({
          label: a.name,
          colorIndex: j,
          muted: !index.isPossessed(a.id),
          points: ks.map((k) => {
            const c = index.cell(b.name, a.id, { variant, k });
            return { k, ais: c?.ais ?? null, ci: c?.ais_ci ?? null, dependence: c?.dependence ?? "untested" };
          }),
        })),
      }),
    );
    return html`<figure id="ais-vs-k-${vi}">
      <figcaption>
        <h3>AIS versus k · ${variant}</h3>
        <p class="caption">
          Filled points clear the null band (grey, from random masks of the same size); grey dashed lines: abilities the model does not
          possess.
        </p>
        ${abilityLegend(index, short)}
      </figcaption>
      <div class="panels">${panels}</div>
    </figure>`;
  });
  return html`<section id="ais-vs-k">
    <h2>AIS versus the ablated fraction k</h2>
    ${figures}
  </section>`;
}

function renderUndefined(index: ProfileIndex): Markup {
  const undefinedCells = index.profile.cells.filter((c) => c.control === "none" && (c.ais === null || c.ais_ci === null));
  const byBenchmark = new Map<string, Cell[]>();
  for (const c of undefinedCells) byBenchmark.set(c.benchmark, [...(byBenchmark.get(c.benchmark) ?? []), c]);
  const rows = [...byBenchmark.entries()].map(([benchmark, cells]) => {
    const reasons = [...new Set(cells.map((c) => c.undefined_reason ?? ""))];
    return html`<tr>
      <td>${benchmark}</td>
      <td class="num">${cells.length}</td>
      <td>
        ${reasons.slice(0, 3).map((r) => html`<div>${r}</div>`)}${reasons.length > 3 ? html`<div class="muted">… ${reasons.length - 3} more reasons</div>` : ""}
      </td>
    </tr>`;
  });
  return html`<section id="undefined">
    <h2>Undefined cells</h2>
    ${
      rows.length === 0
        ? html`<p class="lead">Every AIS and interval is defined.</p>`
        : html`<p class="lead">
              An AIS is reported as missing, never as a huge number, when the base model is within the minimum margin of chance: the
              denominator S_b(θ) − C_b would be noise. An interval is missing when too many bootstrap resamples fall that close to chance.
            </p>
            <figure>
              <table>
                <thead>
                  <tr>
                    <th>benchmark</th>
                    <th>cells</th>
                    <th>reason</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </figure>`
    }
  </section>`;
}

function methodNotes(profile: Profile): Markup {
  const st = profile.run.options.statistics;
  return html`<section id="method" class="method">
    <h2>How to read this</h2>
    <p>
      <b>AIS</b> = (S_b(θ) − S_b(θ<sup>−a</sup>)) / (S_b(θ) − C_b), not clipped: about 1 means the ablation takes the model to chance on b,
      0 no effect, below 0 the ablation helps, above 1 below chance afterwards. Undefined when S_b(θ) − C_b &lt; ${st.min_margin}.
    </p>
    <p>
      <b>Intervals</b>: percentile ${Math.round(st.confidence * 100)}% intervals from ${st.bootstrap_samples} paired bootstrap resamples of
      the benchmark's items (the same items for the base and every ablated model; seed ${st.seed}).
    </p>
    <p>
      <b>Null band</b>: for each benchmark, variant and k, the hull of the AIS intervals of the random-mask controls (same number of
      weights, same scope). <b>Dependence</b>: interval entirely above the band; <b>interference</b>: entirely below.
    </p>
    <p>
      <b>Selectivity index</b>: mean diagonal minus mean off-diagonal of the self-profile matrix. <b>Overlap</b>: Jaccard similarity of the
      selected weights. Shares: ${formatShare(1)} = the whole mask.
    </p>
  </section>`;
}

/** Items shown per slice in the report; profile.json and slices.csv hold every one. */
const SLICE_EXAMPLES = 4;

/**
 * Ability slices (slices.ts): per benchmark and possessed ability, how many items the
 * ablation turned wrong (and right) where no random mask did, with a few of them in words.
 */
function renderSlices(index: ProfileIndex, view: View, i: number): Markup {
  const profile = index.profile;
  const shown = new Set(index.benchmarks.map((b) => b.name));
  const slices = profile.slices.slices.filter(
    (s) => s.variant === view.variant && s.k === view.k && shown.has(s.benchmark) && s.lost.length + s.gained.length > 0,
  );
  if (slices.length === 0) return html``;
  const text = new Map(profile.slices.items.map((it) => [JSON.stringify([it.benchmark, it.id]), it]));
  const rows = slices.map((s) => {
    const examples = s.lost.slice(0, SLICE_EXAMPLES).map((id) => {
      const it = text.get(JSON.stringify([s.benchmark, id]));
      return html`<li>
        <span class="mono">${id}</span>${it && it.prompt ? html`: ${lastLine(it.prompt)} <span class="muted">→ ${it.answer}</span>` : ""}
      </li>`;
    });
    return html`<tr>
      <td>${s.benchmark}</td>
      <td>${index.abilityName(s.ability)}</td>
      <td class="num">${s.lost.length}</td>
      <td class="num">${s.gained.length}</td>
      <td class="num muted">${s.lost_to_random}</td>
      <td>
        ${
          examples.length
            ? html`<details>
                <summary>${Math.min(SLICE_EXAMPLES, s.lost.length)} of ${s.lost.length}</summary>
                <ul class="slice-items">
                  ${examples}
                </ul>
              </details>`
            : html`<span class="muted">–</span>`
        }
      </td>
    </tr>`;
  });
  return html`<figure id="slices-${i}">
    <figcaption>
      <h3>Ability slices: the items each ablation flips</h3>
      <p class="caption">
        Per benchmark and possessed ability: items the model got right that it gets wrong with the ability ablated (lost), and the reverse
        (gained), counting only flips that none of the ${profile.slices.random_masks} random masks makes; "also lost to random" are the
        items a random mask breaks too. Every item with its text is in slices.csv.
      </p>
    </figcaption>
    <table>
      <thead>
        <tr>
          <th>benchmark</th>
          <th>ability</th>
          <th>lost</th>
          <th>gained</th>
          <th>also lost to random</th>
          <th>lost items</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </figure>`;
}

/** The question of a rendered prompt: its last non-empty line before "Answer:", whole. */
function lastLine(prompt: string): string {
  const lines = prompt
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "Answer:");
  return lines[lines.length - 1] ?? prompt;
}
