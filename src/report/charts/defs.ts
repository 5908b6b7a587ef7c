import { svg, type Markup } from "../markup.js";

/**
 * The hatch pattern that marks undefined cells. Ids are per chart (`${prefix}-hatch`) so
 * that every SVG is self-contained yet ids stay unique in the page.
 */
export function hatchPattern(prefix: string): Markup {
  return svg`<pattern id="${prefix}-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)"><rect width="7" height="7" fill="#f1f1f1"/><line x1="0" y1="0" x2="0" y2="7" stroke="#b8b8b8" stroke-width="2.4"/></pattern>`;
}

export function hatchFill(prefix: string): string {
  return `url(#${prefix}-hatch)`;
}

/** A horizontal gradient along the diverging AIS scale from −1 to +1. */
export function aisGradient(prefix: string, color: (ais: number) => string): Markup {
  const stops = Array.from({ length: 11 }, (_, i) => svg`<stop offset="${i * 10}%" stop-color="${color(-1 + i / 5)}"/>`);
  return svg`<linearGradient id="${prefix}-ais">${stops}</linearGradient>`;
}
