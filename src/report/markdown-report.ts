import type { Cell, Profile } from "../stats/profile-schema.js";
import { formatAis, formatInterval, formatK, formatMetric, formatScore, formatShare } from "./format.js";
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

const FLAG = { depends: " ▲", interferes: " ▼", none: "", untested: "", "not-possessed": " ○" } as const;

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

/** report.md: the profile as tables a reader can paste into a paper or an issue; the finding first. */
export function renderProfileMarkdown(profile: Profile): string {
  const index = new ProfileIndex(profile);
  const run = profile.run;
  const st = run.options.statistics;
  const o = run.options as Record<string, unknown>;
  const abilities = profile.abilities;
  const out: string[] = [];
  out.push(`# Benchmark profile of ${escapeMarkdown(run.model.name)}`, "");
  const method = (["loss_scope", "aggregate", "score", "method", "contrast", "preset"] as const)
    .filter((k) => o[k] !== undefined && o[k] !== null)
    .map((k) => `${k.replace(/_/g, " ")} ${escapeMarkdown(String(o[k]))}`)
    .join(", ");
  out.push(
    `${index.allBenchmarks.length} benchmarks × ${abilities.length} abilities; variants ${escapeMarkdown(run.options.variants.join(", "))}; ` +
      `k ${run.options.k.map(formatK).join(", ")}${method ? `; ${method}` : ""}.`,
    "",
  );

  out.push("## Dependences", "");
  const first = index.views[0];
  if (first) {
    out.push(
      `At ${escapeMarkdown(viewLabel(first, formatK))}: the abilities whose interval clears the random-mask null band, largest AIS first.`,
      "",
    );
    for (const b of index.benchmarks) {
      const deps = abilities
        .map((a) => index.cell(b.name, a.id, first))
        .filter((c): c is Cell => c !== undefined && c.dependence === "depends")
        .sort((x, y) => (y.ais ?? 0) - (x.ais ?? 0));
      const planted = b.planted ? ` (planted: ${escapeMarkdown(plantedWords(index, b.planted))})` : "";
      out.push(
        deps.length
          ? `- **${escapeMarkdown(b.name)}**${planted} depends on ${deps.map((c) => `${escapeMarkdown(index.abilityName(c.ability!))} ${formatAis(c.ais)} ${formatInterval(c.ais_ci)}`).join(", ")}`
          : `- **${escapeMarkdown(b.name)}**${planted}: no ability clears the null band`,
      );
    }
    out.push("");
  }
  const lacking = (profile.competence?.abilities ?? []).filter((a) => !a.possessed);
  if (lacking.length) {
    out.push(
      `**Abilities the model does not possess** (competence gate: the lower end of the test accuracy's ${Math.round(profile.competence!.confidence * 100)}% interval is not above chance + ${profile.competence!.margin}); ` +
        "their cells are reported but marked ○ and are never a dependence:",
      "",
    );
    for (const a of lacking) out.push(`- ${escapeMarkdown(index.abilityName(a.ability))}: ${escapeMarkdown(a.reason ?? "")}`);
    out.push("");
  }
  if (index.nearChance.length) {
    out.push(
      "**Near chance, left out of the AIS tables** (the lower end of the base score's interval is not above chance + the gate margin, so every AIS is a ratio over a tiny margin; the cells are in profile.csv): " +
        index.nearChance
          .map(
            (b) =>
              `${escapeMarkdown(b.name)} (${escapeMarkdown(formatMetric(b.metric))} ${formatScore(b.base_score)}, chance ${formatScore(b.chance)})`,
          )
          .join("; ") +
        ".",
      "",
    );
  }

  out.push("## Run", "");
  out.push(
    table(
      ["", ""],
      [
        [
          "model",
          `${escapeMarkdown(run.model.name)} (${run.model.n_params.toLocaleString("en-US")} params), ${escapeMarkdown(run.model.hash)}`,
        ],
        [
          "controls",
          `bottom: ${run.options.controls.bottom ? "yes" : "no"}; random seeds: ${run.options.controls.random_seeds.join(", ") || "none"}`,
        ],
        [
          "statistics",
          `${st.bootstrap_samples} paired bootstrap resamples, seed ${st.seed}, ${Math.round(st.confidence * 100)}% percentile intervals; AIS undefined when S_b(θ) − C_b < ${st.min_margin}`,
        ],
        ...(typeof o.template_date === "string" ? [["template date", escapeMarkdown(o.template_date)]] : []),
        ...Object.entries(run.versions).map(([k, v]) => [`${escapeMarkdown(k)} version`, escapeMarkdown(v)]),
      ],
    ),
    "",
  );

  out.push("## Benchmarks", "");
  out.push(
    table(
      ["benchmark", "metric", "items", "base score", "interval", "chance", "planted"],
      profile.benchmarks.map((b) => [
        escapeMarkdown(b.name) + (b.self_ability ? ` (self-profile: ${escapeMarkdown(b.self_ability)})` : ""),
        escapeMarkdown(formatMetric(b.metric)),
        String(b.n_items),
        formatScore(b.base_score),
        formatInterval(b.base_ci),
        formatScore(b.chance),
        b.planted ? escapeMarkdown(plantedWords(index, b.planted)) : "",
      ]),
      ["l", "l", "r", "r", "r", "r", "l"],
    ),
    "",
  );
  if (profile.competence) {
    out.push("## Competence gate", "");
    out.push(
      table(
        ["ability", "test accuracy", "interval", "chance", "possessed"],
        profile.competence.abilities.map((a) => [
          escapeMarkdown(index.abilityName(a.ability)),
          formatScore(a.accuracy),
          `[${formatScore(a.ci[0])}, ${formatScore(a.ci[1])}]`,
          formatScore(a.chance),
          a.possessed ? (a.clears_gate ? "yes" : "yes (gate off)") : "**no**",
        ]),
        ["l", "r", "r", "r", "l"],
      ),
      "",
    );
  }

  out.push(
    "## AIS matrices",
    "",
    `Cells: AIS [${Math.round(st.confidence * 100)}% interval]. **Bold ▲**: dependence (interval above the random-control null band); **bold ▼**: interference (below it); ○ ability not possessed (never a dependence); † undefined, see below.`,
    "",
  );
  for (const view of index.views) {
    out.push(`### ${escapeMarkdown(viewLabel(view, formatK))}`, "");
    out.push(
      table(
        ["benchmark", ...abilities.map((a) => escapeMarkdown(a.name) + (index.isPossessed(a.id) ? "" : " (not possessed)")), "null band"],
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
    out.push(
      `- † ${escapeMarkdown(c.benchmark)} × ${escapeMarkdown(index.abilityName(c.ability ?? ""))} (${escapeMarkdown(c.variant)}, k = ${formatK(c.k)}): ${escapeMarkdown(c.undefined_reason ?? "")}`,
    );
  }
  if (undefinedCells.length) out.push("");

  const slices = profile.slices.slices.filter((x) => x.lost.length + x.gained.length > 0);
  if (slices.length) {
    const text = new Map(profile.slices.items.map((it) => [JSON.stringify([it.benchmark, it.id]), it]));
    out.push(
      "## Ability slices",
      "",
      `Items the model gets right that it gets wrong with the ability ablated (lost), and the reverse (gained), counting only flips that none of the ${profile.slices.random_masks} random masks makes. Every item, with its text, is in slices.csv.`,
      "",
    );
    out.push(
      table(
        ["benchmark", "ability", "variant", "k", "lost", "gained", "also lost to random", "first lost items"],
        slices.map((x) => [
          escapeMarkdown(x.benchmark),
          escapeMarkdown(index.abilityName(x.ability)),
          escapeMarkdown(x.variant),
          formatK(x.k),
          String(x.lost.length),
          String(x.gained.length),
          String(x.lost_to_random),
          x.lost
            .slice(0, 2)
            .map((id) => {
              const it = text.get(JSON.stringify([x.benchmark, id]));
              const question = it?.prompt
                .split("\n")
                .map((l) => l.trim())
                .filter((l) => l !== "" && l !== "Answer:")
                .pop();
              return question ? `${escapeMarkdown(id)}: ${escapeMarkdown(question)} → ${escapeMarkdown(it!.answer)}` : escapeMarkdown(id);
            })
            .join("; "),
        ]),
        ["l", "l", "l", "r", "r", "r", "r", "l"],
      ),
      "",
    );
  }

  if (profile.selectivity) {
    out.push(
      "## Self-profile selectivity",
      "",
      "Rows: ablated ability; columns: the test split of each ability. Index = mean diagonal − mean off-diagonal.",
      "",
    );
    for (const s of profile.selectivity) {
      out.push(
        `### ${escapeMarkdown(s.variant)} · k = ${formatK(s.k)}: index ${s.index === null ? "undefined" : formatAis(s.index)} over ${s.index_abilities.length} possessed abilities`,
        "",
      );
      out.push(
        table(
          ["ablated \\ tested", ...s.abilities.map(escapeMarkdown)],
          s.matrix.map((row, i) => [escapeMarkdown(s.abilities[i]!), ...row.map(formatAis)]),
        ),
        "",
      );
    }
  }

  if (profile.overlap.length) {
    out.push("## Mask overlap (Jaccard)", "");
    for (const o of profile.overlap) {
      out.push(`### ${escapeMarkdown(o.variant)} · k = ${formatK(o.k)}`, "");
      out.push(
        table(
          ["", ...o.abilities.map(escapeMarkdown)],
          o.jaccard.map((row, i) => [escapeMarkdown(o.abilities[i]!), ...row.map((v) => (v === null ? "n/a" : v.toFixed(3)))]),
        ),
        "",
      );
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
          escapeMarkdown(
            m.control === "none"
              ? (m.ability ?? "")
              : `${m.control}${m.seed !== null ? ` seed ${m.seed}` : ""}${m.ability ? ` ${m.ability}` : ""}`,
          ),
          m.n_selected.toLocaleString("en-US"),
          [...m.layer_share]
            .sort((a, b) => b.share - a.share)
            .slice(0, 3)
            .map((l) => `L${l.layer} ${formatShare(l.share)}`)
            .join(", "),
          m.matrix_share.map((s) => `${escapeMarkdown(s.matrix.replace(/^(self_attn|mlp)\./, ""))} ${formatShare(s.share)}`).join(", "),
        ]),
        ["l", "r", "l", "r", "l", "l"],
      ),
      "",
    );
  }
  return out.join("\n");
}

function plantedWords(index: ProfileIndex, planted: Record<string, number>): string {
  return Object.entries(planted)
    .sort(([, x], [, y]) => y - x)
    .map(([a, w]) => `${index.abilityName(a)} ${Math.round(w * 100)}%`)
    .join(", ");
}
