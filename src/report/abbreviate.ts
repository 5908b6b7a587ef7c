/**
 * Short axis labels for abilities: the initials of a multi-word id (contextual-recall → CR),
 * or the first three letters of a single word (deductive → Ded). Collisions get a digit.
 */
export function abbreviations(ids: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
    let short =
      words.length > 1
        ? words
            .map((w) => w[0]!.toUpperCase())
            .join("")
            .slice(0, 3)
        : (words[0] ?? id).slice(0, 3).replace(/^./, (c) => c.toUpperCase());
    const n = seen.get(short) ?? 0;
    seen.set(short, n + 1);
    if (n > 0) short += String(n + 1);
    return short;
  });
}
