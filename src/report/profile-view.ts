import { DEFAULT_GATE_MARGIN, possessedAbilities } from "../stats/competence-gate.js";
import type { Benchmark, Cell, MaskLocation, Profile } from "../stats/profile-schema.js";

/** One (variant, k) slice of a profile: the benchmark × ability matrix the charts draw. */
export interface View {
  variant: string;
  k: number;
}

/** Indexed access to a profile's cells, shared by every report. */
export class ProfileIndex {
  readonly views: View[];
  /** Benchmarks proper (not the self-profile's ability test splits). */
  readonly allBenchmarks: Benchmark[];
  /** The benchmarks the charts draw: those whose base score clears chance (see nearChance). */
  readonly benchmarks: Benchmark[];
  /**
   * Benchmarks whose base score is near chance: the lower end of its interval is not above
   * chance + the gate margin (the competence gate's rule, applied to a benchmark). Every AIS
   * there is a ratio over a tiny margin, so they leave the charts for a note.
   */
  readonly nearChance: Benchmark[];
  private readonly possessed: Set<string>;
  private readonly cells = new Map<string, Cell>();
  private readonly randoms = new Map<string, Cell[]>();

  constructor(readonly profile: Profile) {
    this.allBenchmarks = profile.benchmarks.filter((b) => b.self_ability === null);
    const margin = typeof profile.run.options.gate_margin === "number" ? profile.run.options.gate_margin : DEFAULT_GATE_MARGIN;
    const near = (b: Benchmark) => b.base_ci[0] <= b.chance + margin;
    this.benchmarks = this.allBenchmarks.filter((b) => !near(b));
    this.nearChance = this.allBenchmarks.filter(near);
    this.possessed = possessedAbilities(
      profile.competence,
      profile.abilities.map((a) => a.id),
    );
    for (const c of profile.cells) {
      if (c.control === "random") {
        const key = JSON.stringify([c.benchmark, c.variant, c.k]);
        this.randoms.set(key, [...(this.randoms.get(key) ?? []), c]);
      } else {
        this.cells.set(JSON.stringify([c.benchmark, c.ability, c.variant, c.k, c.control]), c);
      }
    }
    const variants = profile.run.options.variants;
    const rank = (v: string): number => (variants.includes(v) ? variants.indexOf(v) : variants.length);
    const seen = new Map<string, View>();
    for (const c of profile.cells) if (c.control === "none") seen.set(JSON.stringify([c.variant, c.k]), { variant: c.variant, k: c.k });
    this.views = [...seen.values()].sort((a, b) => rank(a.variant) - rank(b.variant) || a.variant.localeCompare(b.variant) || a.k - b.k);
  }

  cell(benchmark: string, ability: string, view: View, control: "none" | "bottom" = "none"): Cell | undefined {
    return this.cells.get(JSON.stringify([benchmark, ability, view.variant, view.k, control]));
  }

  randomControls(benchmark: string, view: View): Cell[] {
    return this.randoms.get(JSON.stringify([benchmark, view.variant, view.k])) ?? [];
  }

  /** Whether the model possesses the ability (the competence gate; every ability without one). */
  isPossessed(id: string): boolean {
    return this.possessed.has(id);
  }

  competenceOf(id: string): NonNullable<Profile["competence"]>["abilities"][number] | undefined {
    return this.profile.competence?.abilities.find((a) => a.ability === id);
  }

  abilityName(id: string): string {
    return this.profile.abilities.find((a) => a.id === id)?.name ?? id;
  }

  abilityIndex(id: string): number {
    return this.profile.abilities.findIndex((a) => a.id === id);
  }

  variants(): string[] {
    return [...new Set(this.views.map((v) => v.variant))];
  }

  ksOf(variant: string): number[] {
    return this.views.filter((v) => v.variant === variant).map((v) => v.k);
  }

  masksOf(view: View): MaskLocation[] {
    return this.profile.masks.filter((m) => m.variant === view.variant && m.k === view.k);
  }
}

export function viewLabel(view: View, formatK: (k: number) => string): string {
  return `${view.variant} · k = ${formatK(view.k)}`;
}
