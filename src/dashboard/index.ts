/**
 * `breakwater/dashboard`: a live web page of every breaker (state, rates, counts, a sparkline of
 * the last minutes, transitions, rejected calls, the fleet cascade signal), served by one plain
 * `(req, res)` handler with Server-Sent Events. No build step, no client library.
 */
export { dashboard } from './dashboard.js';
export type { DashboardHandler } from './dashboard.js';
export type { DashboardOptions } from './options.js';
export type { DashboardPanel } from './panels.js';
export type { DashboardTarget } from './fleet.js';
export type {
  BreakerRules,
  BreakerView,
  CallTotals,
  CascadeView,
  DashboardLink,
  DashboardSnapshot,
  FleetView,
  HistoryPoint,
  PanelRow,
  PanelView,
  TransitionView,
} from './types.js';
export { BreakerSet, fromBreakers } from '../manager/source.js';
export type { BreakerSource, BreakerTarget } from '../manager/source.js';
