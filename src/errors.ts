/**
 * The one error type bprof raises for bad input. It carries where the problem is
 * (file, line, field) so the CLI can print a message a user can act on, and so
 * tests can assert on the location rather than on prose.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class BprofError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  /** The message without the location prefix, for callers that add a location. */
  readonly reason: string;

  constructor(message: string, where: ErrorLocation = {}) {
    super(formatMessage(message, where));
    this.reason = message;
    this.name = "BprofError";
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

function formatMessage(message: string, where: ErrorLocation): string {
  const place = where.file ? `${where.file}${where.line !== undefined ? `:${where.line}` : ""}` : "";
  const field = where.field ? `field '${where.field}'` : "";
  const prefix = [place, field].filter(Boolean).join(": ");
  return prefix ? `${prefix}: ${message}` : message;
}
