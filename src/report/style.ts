/** The report's stylesheet: readable on a laptop and a phone, in light and dark mode, and in print. */
export const reportStyle = `
:root { color-scheme: light dark; --fg: #1d2430; --muted: #5b6576; --bg: #fbfcfd; --card: #fff;
  --line: #d9dee6; --good: #2e9e5b; --bad: #d9463b; --warn: #e0a526; --accent: #2f6fd6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ee; --muted: #9aa4b4; --bg: #12161c; --card: #1a2029; --line: #2c3440; }
}
* { box-sizing: border-box; }
h1, h2, figcaption, .u-legend, td, th { overflow-wrap: anywhere; }
.u-legend .u-series { white-space: normal; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.report { padding: 20px 24px 8px; border-bottom: 1px solid var(--line); }
header.report h1 { margin: 0 0 4px; font-size: 22px; }
header.report p { margin: 0; color: var(--muted); }
main { padding: 8px 24px 24px; max-width: 1280px; }
section.block { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
section.block > h2 { margin: 0 0 8px; font-size: 16px; }
section.block > h3 { margin: 12px 0 6px; font-size: 14px; }
figure.chart { margin: 8px 0 16px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.chart-plot { width: 100%; min-height: 40px; }
.lanes-key { display: flex; flex-wrap: wrap; gap: 12px; margin: 4px 0 0; color: var(--muted); font-size: 12px; }
.state-chip i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table.data { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.data th, table.data td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); }
table.data td.num, table.data th.num { text-align: right; }
table.data tr.better td.num:last-child { color: var(--good); font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card b { display: block; font-size: 20px; }
.card span { color: var(--muted); font-size: 12px; }
pre.code { background: rgba(128,128,128,0.1); padding: 8px 10px; border-radius: 6px; overflow-x: auto; }
footer.report { padding: 8px 24px 24px; color: var(--muted); font-size: 12px; }
@media (max-width: 640px) { main, header.report { padding-left: 10px; padding-right: 10px; } }
@media print { section.block { break-inside: avoid; } }
`;
