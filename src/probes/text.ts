/** Small English helpers shared by the generators. */

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a" or "an" before a word, by its spelling (good enough for the generators' vocabulary). */
export function article(word: string): string {
  const exceptionsWithAn = ["hour", "honest"];
  const exceptionsWithA = ["uni", "use", "one", "euro"];
  const lower = word.toLowerCase();
  if (exceptionsWithAn.some((p) => lower.startsWith(p))) return "an";
  if (exceptionsWithA.some((p) => lower.startsWith(p))) return "a";
  return /^[aeiou]/.test(lower) ? "an" : "a";
}

export function withArticle(word: string): string {
  return `${article(word)} ${word}`;
}

/** Fill {name} slots; a missing slot is a bug in the generator, so it throws. */
export function fill(template: string, slots: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = slots[key];
    if (value === undefined) throw new Error(`template slot {${key}} has no value in "${template}"`);
    return String(value);
  });
}
