import type { Cell, Profile } from "../stats/profile-schema.js";
import { formatAis, formatInterval, formatK, formatScore, formatShare } from "./format.js";
import { ProfileIndex, viewLabel } from "./profile-view.js";

/**
 * Text from data in Markdown: HTML-significant characters become entities (Markdown renders
 * raw HTML, so `<script>` must not survive), and Markdown's own syntax characters are
 * backslash-escaped so a name cannot break a table or start emphasis.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}

const FLAG = { depends: " ▲", interferes: " ▼", none: "", untested: "" } as const;

/** The text of one AIS cell: value, interval, flag; † marks undefined (explained below the table). */
export function markdownCell(cell: Cell | undefined): string {
  if (!cell) return "–";
  if (cell.ais === null) return "n/a †";
  const value = cell.dependence === "depends" || cell.dependence === "interferes" ? `**${formatAis(cell.ais)}**` : formatAis(cell.ais);
  return `${value} ${cell.ais_ci ? formatInterval(cell.ais_ci) : "[unbounded] †"}${FLAG[cell.dependence]}`;
}

function table(header: string[], rows: string[][], align?: ("l" | "r")[]): string {
  const sep = header.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** report.md: the profile as tables a reader can paste into a paper or an issue. */
export function renderProfileMarkdown(profile: Profile): string {
  const index = new ProfileIndex(profile);
  const run = profile.run;
  const st = run.options.statistics;
  const abilities = profile.abilities;
  const out: string[] = [];
  out.push(`# Benchmark profile of ${escapeMarkdown(run.model.name)}`, "");
  out.push(
    table(
      ["run", ""],
      [
        ["model", `${escapeMarkdown(run.model.name)} (${run.model.n_params.toLocaleString("en-US")} params), ${escapeMarkdown(run.model.hash)}`],
        ["variants", escapeMarkdown(run.options.variants.join(", "))],
        ["k", run.options.k.map(formatK).join(", ")],
        ["controls", `bottom: ${run.options.controls.bottom ? "yes" : "no"}; random seeds: ${run.options.controls.random_seeds.join(", ") || "none"}`],
        ["statistics", `${st.bootstrap_samples} paired bootstrap resamples, seed ${st.seed}, ${Math.round(st.confidence * 100)}% percentile intervals; AIS undefined when S_b(θ) − C_b < ${st.min_margin}`],
        ...Object.entries(run.versions).map(([k, v]) => [`${escapeMarkdown(k)} version`, escapeMarkdown(v)]),
      ],
    ),
    "",
  );

  out.push("## Benchmarks", "");
  out.push(
    table(
      ["benchmark", "metric", "items", "base score", "interval", "chance"],
      profile.benchmarks.map((b) => [
        escapeMarkdown(b.name) + (b.self_ability ? ` (self-profile: ${escapeMarkdown(b.self_ability)})` : ""),
        escapeMarkdown(b.metric),
        String(b.n_items),
        formatScore(b.base_score),
        formatInterval(b.base_ci),
        formatScore(b.chance),
      ]),
      ["l", "l", "r", "r", "r", "r"],
    ),
    "",
  );

  out.push(
    "## AIS matrices",
    "",
    `Cells: AIS [${Math.round(st.confidence * 100)}% interval]. **Bold ▲**: dependence (interval above the random-control null band); **bold ▼**: interference (below it); † undefined, see below.`,
    "",
  );
  for (const view of index.views) {
    out.push(`### ${escapeMarkdown(viewLabel(view, formatK))}`, "");
    out.push(
      table(
        ["benchmark", ...abilities.map((a) => escapeMarkdown(a.name)), "null band"],
        index.benchmarks.map((b) => {
          const band = index.randomControls(b.name, view)[0]?.null_band ?? null;
          return [
            escapeMarkdown(b.name),
            ...abilities.map((a) => markdownCell(index.cell(b.name, a.id, view))),
            band ? formatInterval([band.lower, band.upper]) : "–",
          ];
        }),
      ),
      "",
    );
  }

  const undefinedCells = profile.cells.filter((c) => c.control === "none" && (c.ais === null || c.ais_ci === null));
  out.push("## Undefined cells", "");
  if (undefinedCells.length === 0) out.push("Every AIS and interval is defined.", "");
  for (const c of undefinedCells) {
    out.push(`- † ${escapeMarkdown(c.benchmark)} × ${escapeMarkdown(index.abilityName(c.ability ?? ""))} (${escapeMarkdown(c.variant)}, k = ${formatK(c.k)}): ${escapeMarkdown(c.undefined_reason ?? "")}`);
  }
  if (undefinedCells.length) out.push("");

  if (profile.selectivity) {
    out.push("## Self-profile selectivity", "", "Rows: ablated ability; columns: the test split of each ability. Index = mean diagonal − mean off-diagonal.", "");
    for (const s of profile.selectivity) {
      out.push(`### ${escapeMarkdown(s.variant)} · k = ${formatK(s.k)}: index ${s.index === null ? "undefined" : formatAis(s.index)}`, "");
      out.push(table(["ablated \\ tested", ...s.abilities.map(escapeMarkdown)], s.matrix.map((row, i) => [escapeMarkdown(s.abilities[i]!), ...row.map(formatAis)])), "");
    }
  }

  if (profile.overlap.length) {
    out.push("## Mask overlap (Jaccard)", "");
    for (const o of profile.overlap) {
      out.push(`### ${escapeMarkdown(o.variant)} · k = ${formatK(o.k)}`, "");
      out.push(table(["", ...o.abilities.map(escapeMarkdown)], o.jaccard.map((row, i) => [escapeMarkdown(o.abilities[i]!), ...row.map((v) => (v === null ? "n/a" : v.toFixed(3)))])), "");
    }
  }

  if (profile.masks.length) {
    out.push("## Where the masks live", "");
    out.push(
      table(
        ["variant", "k", "mask", "weights", "top layers", "matrix types"],
        profile.masks.map((m) => [
          escapeMarkdown(m.variant),
          formatK(m.k),
          escapeMarkdown(m.control === "none" ? (m.ability ?? "") : `${m.control}${m.seed !== null ? ` seed ${m.seed}` : ""}${m.ability ? ` ${m.ability}` : ""}`),
          m.n_selected.toLocaleString("en-US"),
          [...m.layer_share].sort((a, b) => b.share - a.share).slice(0, 3).map((l) => `L${l.layer} ${formatShare(l.share)}`).join(", "),
          m.matrix_share.map((s) => `${escapeMarkdown(s.matrix.replace(/^(self_attn|mlp)\./, ""))} ${formatShare(s.share)}`).join(", "),
        ]),
        ["l", "r", "l", "r", "l", "l"],
      ),
      "",
    );
  }
  return out.join("\n");
}
