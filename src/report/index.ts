// The shared HTML report shell (used by `breakwater tune --report` and `breakwater chaos run
// --report`): one self-contained page with an inlined uPlot, a timeline chart helper, tables,
// and escaping of every interpolated string.
export { chartAssets, type ChartAssets } from './assets.js';
export {
  DEFAULT_STATE_COLORS,
  timelineChart,
  type StateLane,
  type StateSegment,
  type TimelineChart,
  type TimelineSeries,
} from './chart.js';
export { html, scriptJson, trustedHtml, SafeHtml, type HtmlValue } from './html.js';
export { renderReport, type ReportPage, type ReportSection } from './page.js';
export { dataTable, formatNumber, type Cell, type DataTable } from './table.js';
