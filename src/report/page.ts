import { html, trusted, type Markup } from "./markup.js";

/**
 * The shell of every HTML report: one self-contained file. The Content-Security-Policy
 * forbids scripts and every external load, so even a mistake in escaping could not run
 * code or phone home; the report needs neither.
 */
export function htmlPage(title: string, body: Markup, extraCss = ""): Markup {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:" />
        <title>${title}</title>
        <style>
          ${trusted(CSS + extraCss)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html> `;
}

const CSS = `
:root { --ink: #1d232b; --muted: #6b7480; --line: #e3e6ea; --bg: #f6f7f9; --card: #ffffff; --accent: #b2182b; --accent2: #2166ac; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header.top { background: #1d232b; color: #f2f4f7; padding: 26px 40px 22px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
header.top .sub { color: #b9c1cc; font-size: 14px; }
header.top dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 6px 22px; margin: 16px 0 0; font-size: 12.5px; }
header.top dt { color: #8d97a5; text-transform: uppercase; font-size: 10.5px; letter-spacing: .06em; }
header.top dd { margin: 0; color: #e6e9ee; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
main { max-width: 1320px; margin: 0 auto; padding: 18px 32px 48px; }
h2 { font-size: 19px; margin: 30px 0 6px; font-weight: 650; letter-spacing: -0.01em; }
h3 { font-size: 15px; margin: 0 0 4px; font-weight: 620; }
p.lead, .caption { color: var(--muted); margin: 0 0 12px; max-width: 880px; }
figure { margin: 0 0 20px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px 14px; overflow-x: auto; box-shadow: 0 1px 2px rgba(20,30,40,.04); }
figure > figcaption { margin-bottom: 10px; }
figure > figcaption .caption { margin: 2px 0 0; font-size: 13px; }
.panels { display: flex; flex-wrap: wrap; gap: 10px 18px; }
.tabs { position: sticky; top: 0; z-index: 5; background: rgba(246,247,249,.96); backdrop-filter: blur(4px); padding: 10px 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.tabs .tabs-label { color: var(--muted); font-size: 12px; margin-right: 6px; text-transform: uppercase; letter-spacing: .06em; }
.tabs label { cursor: pointer; padding: 4px 12px; border-radius: 999px; border: 1px solid var(--line); background: #fff; font-size: 13px; font-variant-numeric: tabular-nums; }
.tabs label:hover { border-color: #aab2bd; }
input.view-radio { position: absolute; opacity: 0; pointer-events: none; }
.view { display: none; }
.findings { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 8px 16px; margin: 10px 0 4px; padding: 0; list-style: none; }
.findings li { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px; padding: 6px 10px; font-size: 13px; }
.findings li.interferes { border-left-color: var(--accent2); }
.findings .num { font-variant-numeric: tabular-nums; font-weight: 600; }
.legend-row { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; color: var(--ink); margin: 0 0 10px; }
.legend-row .sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.legend-row .abbr { font-weight: 600; margin-right: 3px; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
td.num { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
td.diff { background: #fff4c2; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 7px; border-radius: 999px; font-size: 11.5px; background: #eef0f3; color: #39424e; }
.badge.depends { background: #fbe3e1; color: #8a1320; }
.badge.interferes { background: #e0ecf7; color: #123f73; }
.method { font-size: 13.5px; color: #39424e; max-width: 900px; }
.method code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
ul.summary { margin: 6px 0 10px; padding-left: 20px; max-width: 1100px; }
ul.summary li { margin: 3px 0; }
ul.summary .num { font-variant-numeric: tabular-nums; font-weight: 600; }
.note-box { background: #fff; border: 1px solid var(--line); border-left: 4px solid #8a93a0; border-radius: 6px; padding: 6px 12px; margin: 8px 0; max-width: 1100px; font-size: 13px; }
details.run-details { margin: 26px 0 0; font-size: 13px; }
details.run-details summary { cursor: pointer; color: var(--muted); }
details.run-details dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 6px 22px; margin: 10px 0 0; }
details.run-details dt { color: var(--muted); text-transform: uppercase; font-size: 10.5px; letter-spacing: .06em; }
details.run-details dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
ul.slice-items { margin: 4px 0 0; padding-left: 18px; max-width: 760px; }
.legend-row .muted-ability { color: #8a93a0; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 20px; }
svg.chart { display: block; font-family: inherit; }
svg .axis-label { font-size: 12.5px; fill: #27303a; }
svg .axis-label.muted, svg .tick.muted { fill: #8a93a0; }
svg .tick { font-size: 10.5px; fill: #4a5360; font-variant-numeric: tabular-nums; }
svg .note { font-size: 11px; fill: #6b7480; }
svg .note.planted { fill: #1d232b; font-size: 10px; }
svg .legend-title { font-size: 11px; font-weight: 600; fill: #27303a; }
svg .panel-title { font-size: 13px; font-weight: 620; fill: #1d232b; }
svg .cell-value { font-size: 13.5px; font-variant-numeric: tabular-nums; }
svg .cell-value.strong { font-weight: 700; }
svg .cell-ci { font-size: 10px; font-variant-numeric: tabular-nums; opacity: .9; }
svg .cell-na { font-size: 12px; fill: #6b7480; font-style: italic; }
svg .cell-small { font-size: 11.5px; font-variant-numeric: tabular-nums; }
svg .cell-tiny { font-size: 9.5px; font-variant-numeric: tabular-nums; }
svg .grid { stroke: #eceef1; stroke-width: 1; }
svg .zero { stroke: #9aa3ae; stroke-width: 1.2; }
svg .null-band { fill: #9aa3ae; fill-opacity: .28; }
svg .whisker { stroke: #1d232b; stroke-width: 1.4; }
svg .bottom-marker { fill: #fff; stroke: #1d232b; stroke-width: 1.3; }
svg .ribbon:hover { fill-opacity: .9; }
svg g.cell:hover rect:first-child { stroke: #1d232b; stroke-width: 1.5; }
`;
