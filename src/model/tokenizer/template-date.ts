import { BprofError } from "../../errors.js";

/**
 * The date a chat template sees. Some templates read the current date (Llama-3.x calls
 * `strftime_now("%d %b %Y")` for its "Today Date:" line), so the same probe would render to
 * other tokens on another day and every importance score would depend on the calendar.
 * bprof renders a fixed date instead (docs/method.md, step 1), recorded in every run.
 * 26 Jul 2024 is the date Llama-3.1's own template falls back to when it has no clock.
 */
export const DEFAULT_TEMPLATE_DATE = "2024-07-26";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** An ISO date (YYYY-MM-DD) checked to be a real calendar day. */
export function parseTemplateDate(text: string, field = "template-date"): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) {
    throw new BprofError(`a template date must be a calendar day as YYYY-MM-DD, got '${text}'`, { field });
  }
  return text.trim();
}

/**
 * Python's `strftime` for the fields chat templates use (%Y %m %d %b %B %H %M %%), at
 * midnight UTC of `isoDate`, with English month names whatever the machine's locale.
 */
export function strftimeFixed(isoDate: string, format: string): string {
  const [y, mo, d] = isoDate.split("-").map(Number) as [number, number, number];
  const pad2 = (n: number) => String(n).padStart(2, "0");
  return format.replace(/%[YmdbBHM%]/g, (token) => {
    switch (token) {
      case "%Y":
        return String(y);
      case "%m":
        return pad2(mo);
      case "%d":
        return pad2(d);
      case "%b":
        return MONTHS[mo - 1]!.slice(0, 3);
      case "%B":
        return MONTHS[mo - 1]!;
      case "%H":
      case "%M":
        return "00";
      default:
        return "%";
    }
  });
}
