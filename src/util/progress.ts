/**
 * Progress of long work on stderr: a redrawn bar with rate and ETA on a terminal, plain
 * timestamped lines (at most one per `intervalMs`) when stderr is a file or pipe, nothing
 * when quiet. Units are whatever the caller counts (items, tokens, tensors).
 */
export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  quiet?: boolean;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Plain mode: minimum time between lines (default 10 s). */
  intervalMs?: number;
}

export interface Progress {
  /** Advance by `amount` (default 1). */
  tick(amount?: number): void;
  /** Final line with the elapsed time. */
  done(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? "items";
  const interval = options.intervalMs ?? 10_000;
  const start = Date.now();
  let count = 0;
  let lastDraw = 0;
  let finished = false;
  const tty = stream.isTTY === true;

  const line = (now: number): string => {
    const elapsed = (now - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = count >= options.total ? "0s" : rate > 0 ? formatDuration((options.total - count) / rate) : "?";
    const pct = options.total > 0 ? Math.min(100, (100 * count) / options.total) : 100;
    return `${options.label}: ${count}/${options.total} ${unit} (${pct.toFixed(0)}%), ${formatRate(rate)} ${unit}/s, ETA ${eta}`;
  };

  const draw = (force: boolean) => {
    if (options.quiet) return;
    const now = Date.now();
    if (tty) {
      if (!force && now - lastDraw < 100) return;
      const width = 24;
      const filled = options.total > 0 ? Math.round((width * Math.min(count, options.total)) / options.total) : width;
      stream.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${line(now)}\x1b[K`);
    } else {
      if (!force && now - lastDraw < interval) return;
      stream.write(`${new Date(now).toISOString()} ${line(now)}\n`);
    }
    lastDraw = now;
  };

  return {
    tick(amount = 1) {
      count += amount;
      draw(false);
    },
    done() {
      if (finished || options.quiet) return;
      finished = true;
      const elapsed = (Date.now() - start) / 1000;
      const text = `${options.label}: ${count} ${unit} in ${formatDuration(elapsed)}`;
      stream.write(tty ? `\r${text}\x1b[K\n` : `${new Date().toISOString()} ${text}\n`);
    },
  };
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(1) : rate.toFixed(3);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * A log of one line per event on stderr, in the same form as the progress lines: plain on a
 * terminal, timestamped when stderr is a file or pipe; nothing when quiet.
 */
export function createLog(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): (message: string) => void {
  const stream = options.stream ?? process.stderr;
  return (message) => {
    if (options.quiet) return;
    stream.write(stream.isTTY === true ? `${message}\n` : `${new Date().toISOString()} ${message}\n`);
  };
}
