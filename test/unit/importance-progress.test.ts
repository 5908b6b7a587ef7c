import { describe, expect, it } from "vitest";
import { createProgress, formatDuration } from "../../src/util/progress.js";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe("progress", () => {
  it("plain mode: timestamped lines with counts, rate and ETA, then a final line", () => {
    const { chunks, stream } = fakeStream(false);
    const p = createProgress({ label: "importance x", total: 10, unit: "tokens", stream, intervalMs: 0 });
    p.tick(4);
    p.done();
    expect(chunks[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z importance x: 4\/10 tokens \(40%\), [\d.]+ tokens\/s, ETA (\d+s|\?)\n$/);
    expect(chunks.at(-1)).toMatch(/importance x: 4 tokens in \d+s\n$/);
  });

  it("TTY mode redraws one bar line; quiet prints nothing", () => {
    const tty = fakeStream(true);
    const p = createProgress({ label: "select", total: 4, stream: tty.stream });
    p.tick(2);
    expect(tty.chunks[0]).toMatch(/^\r\[#{12} {12}\] select: 2\/4 items \(50%\)/);
    const quiet = fakeStream(true);
    const q = createProgress({ label: "q", total: 1, stream: quiet.stream, quiet: true });
    q.tick();
    q.done();
    expect(quiet.chunks).toEqual([]);
  });

  it("formats durations", () => {
    expect(formatDuration(5)).toBe("5s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(3 * 3600 + 60)).toBe("3h01m");
  });
});
