/**
 * The page's CSS. Light and dark follow the system setting; one column on a phone, as many
 * 340 px cards as fit on a wider screen. State colours are paired with text everywhere, so
 * nothing depends on colour alone.
 */
export const pageStyle = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f3f5f8; --panel: #ffffff; --ink: #18202b; --muted: #5d6b7c; --line: #dde3ea;
  --closed: #18864b; --closed-bg: #e3f5ea; --half: #b45f06; --half-bg: #fdf0dc;
  --open: #c62828; --open-bg: #fde6e6; --rejected: #8b95a3; --excluded: #c9d0d9;
  --ok-bar: #46b37a; --failed-bar: #e0524d; --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f141a; --panel: #171e27; --ink: #e7edf4; --muted: #94a3b4; --line: #2a3441;
    --closed: #4cc38a; --closed-bg: #143324; --half: #f0a742; --half-bg: #3a2a10;
    --open: #ff6b6b; --open-bg: #3d1719; --rejected: #6b7684; --excluded: #3e4855;
    --ok-bar: #3fa76d; --failed-bar: #f06560; --shadow: none;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-variant-numeric: tabular-nums;
}
header.top {
  position: sticky; top: 0; z-index: 2; background: var(--panel); border-bottom: 1px solid var(--line);
  padding: 10px 20px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 18px;
}
header.top h1 { font-size: 17px; margin: 0; font-weight: 650; letter-spacing: -.01em; overflow-wrap: anywhere; }
.conn { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); font-size: 12.5px; }
.conn::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--rejected); }
body[data-connection="live"] .conn::before { background: var(--closed); box-shadow: 0 0 0 3px var(--closed-bg); }
body[data-connection="reconnecting"] .conn::before { background: var(--half); }
.fleet { display: flex; flex-wrap: wrap; gap: 6px; margin-left: auto; }
.chip {
  display: inline-flex; align-items: center; gap: 6px; padding: 3px 10px; border-radius: 999px;
  border: 1px solid var(--line); font-size: 12.5px; color: var(--muted); white-space: nowrap;
}
.chip b { color: var(--ink); font-weight: 650; }
.chip.closed b { color: var(--closed); } .chip.half-open b { color: var(--half); } .chip.open b { color: var(--open); }
.cascade {
  margin: 14px 20px 0; padding: 10px 14px; border-radius: 10px; border: 1px solid var(--line);
  background: var(--panel); display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; box-shadow: var(--shadow);
}
.cascade .label { font-weight: 650; }
.cascade .meter { flex: 1 1 160px; min-width: 120px; height: 8px; border-radius: 4px; background: var(--line); position: relative; align-self: center; }
.cascade .meter span { position: absolute; inset: 0 auto 0 0; width: 0; border-radius: 4px; background: var(--rejected); }
.cascade .meter i { position: absolute; top: -3px; bottom: -3px; width: 2px; background: var(--ink); opacity: .55; }
.cascade[data-active="true"] { background: var(--open-bg); border-color: var(--open); }
.cascade[data-active="true"] .label { color: var(--open); }
.cascade[data-active="true"] .meter span { background: var(--open); }
.cascade .why { color: var(--muted); }
main { padding: 14px 20px 24px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.empty { color: var(--muted); padding: 30px 0; text-align: center; }
.card {
  background: var(--panel); border: 1px solid var(--line); border-left: 5px solid var(--closed);
  border-radius: 10px; padding: 12px 14px 10px; box-shadow: var(--shadow); min-width: 0;
  transition: border-color .3s, background-color .3s;
}
.card[data-state="half-open"] { border-left-color: var(--half); }
.card[data-state="open"] { border-left-color: var(--open); }
.card.flash { animation: flash 1s ease-out; }
@keyframes flash { from { box-shadow: 0 0 0 4px var(--half-bg), var(--shadow); } to { box-shadow: var(--shadow); } }
.card-head { display: flex; align-items: flex-start; gap: 10px; }
.card-head .names { min-width: 0; flex: 1; }
.card h2 { font-size: 16px; margin: 0; font-weight: 650; overflow-wrap: anywhere; }
.detail { color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
.badge {
  flex: none; font-size: 12px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
  padding: 3px 9px; border-radius: 6px; color: var(--closed); background: var(--closed-bg); white-space: nowrap;
}
.badge[data-state="half-open"] { color: var(--half); background: var(--half-bg); }
.badge[data-state="open"] { color: var(--open); background: var(--open-bg); }
.badge[data-forced="disabled"] { color: var(--muted); background: var(--line); }
.badge[data-forced="open"] { background-image: repeating-linear-gradient(135deg, transparent 0 6px, rgba(198, 40, 40, .14) 6px 12px); }
.when { font-size: 12.5px; color: var(--muted); min-height: 18px; margin-top: 2px; }
.card[data-state="open"] .when { color: var(--open); }
.card[data-state="half-open"] .when { color: var(--half); }
.spark { margin: 8px 0 2px; }
.spark svg { display: block; width: 100%; height: 54px; border-radius: 4px; background: var(--bg); }
.spark .axis { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); margin-top: 3px; gap: 8px; }
.legend { display: flex; gap: 10px; flex-wrap: wrap; }
.legend span::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 4px; vertical-align: 0; }
.legend .ok::before { background: var(--ok-bar); } .legend .failed::before { background: var(--failed-bar); }
.legend .rejected::before { background: var(--rejected); }
.stats { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; margin: 10px 0 6px; }
.stat { min-width: 0; }
.stat .k { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.stat .v { font-size: 19px; font-weight: 650; line-height: 1.25; }
.stat .s { font-size: 11.5px; color: var(--muted); overflow-wrap: anywhere; }
.stat .v.bad { color: var(--open); }
.bar { height: 4px; border-radius: 2px; background: var(--line); position: relative; margin-top: 3px; overflow: visible; }
.bar span { position: absolute; inset: 0 auto 0 0; border-radius: 2px; background: var(--ok-bar); max-width: 100%; }
.bar span.bad { background: var(--failed-bar); }
.bar i { position: absolute; top: -2px; bottom: -2px; width: 2px; background: var(--ink); opacity: .5; }
.counts, .rule { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.rule { margin-top: 2px; }
.panels { margin-top: 6px; display: grid; gap: 6px; }
.panel { border-top: 1px solid var(--line); padding-top: 6px; }
.panel h3 { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 2px; font-weight: 600; }
.panel dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; margin: 0; font-size: 12.5px; }
.panel dt { color: var(--muted); } .panel dd { margin: 0; overflow-wrap: anywhere; font-weight: 600; }
.panel dd[data-tone="ok"] { color: var(--closed); } .panel dd[data-tone="warn"] { color: var(--half); } .panel dd[data-tone="bad"] { color: var(--open); }
.history { margin-top: 8px; border-top: 1px solid var(--line); padding-top: 6px; }
.history h3, .log h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 4px; font-weight: 600; }
ol.transitions { list-style: none; margin: 0; padding: 0; font-size: 12.5px; }
ol.transitions li { display: grid; grid-template-columns: auto auto 1fr; gap: 0 10px; padding: 2px 0; align-items: baseline; }
ol.transitions .t { color: var(--muted); white-space: nowrap; }
ol.transitions .move { white-space: nowrap; font-weight: 600; }
ol.transitions .why { color: var(--muted); overflow-wrap: anywhere; }
.st-closed { color: var(--closed); } .st-half-open { color: var(--half); } .st-open { color: var(--open); }
.none { color: var(--muted); font-size: 12.5px; }
.log { margin-top: 18px; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; box-shadow: var(--shadow); }
.log ol.transitions li { grid-template-columns: auto minmax(0, max-content) auto 1fr; }
.log .who { font-weight: 600; overflow-wrap: anywhere; }
footer { padding: 0 20px 24px; color: var(--muted); font-size: 12.5px; display: flex; flex-wrap: wrap; gap: 6px 16px; }
footer a { color: inherit; }
#links { display: inline-flex; flex-wrap: wrap; gap: 4px 14px; }
@media (max-width: 560px) {
  header.top { padding: 8px 12px; }
  .fleet { margin-left: 0; width: 100%; }
  .cascade { margin: 10px 12px 0; }
  main { padding: 10px 12px 18px; }
  .grid { grid-template-columns: 1fr; gap: 10px; }
  .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  footer { padding: 0 12px 18px; }
  ol.transitions li, .log ol.transitions li { display: flex; flex-wrap: wrap; gap: 0 8px; }
  .log ol.transitions li { padding: 3px 0; border-bottom: 1px solid var(--line); }
  .log ol.transitions li:last-child { border-bottom: 0; }
}
`;
