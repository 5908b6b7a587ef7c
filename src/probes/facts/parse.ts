/**
 * Fact tables are written as "a | b | c" lines: compact to read and review, parsed once.
 * A row with the wrong number of cells is a typo in the table, so it throws.
 */
export function parseRows(table: string, columns: number): string[][] {
  return table
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const cells = line.split("|").map((cell) => cell.trim());
      if (cells.length !== columns || cells.some((c) => c === "")) throw new Error(`fact table row needs ${columns} cells: "${line}"`);
      return cells;
    });
}
