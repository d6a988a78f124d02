import type { TransitionReason } from '../core/events.js';
import type { CircuitState, Counts } from '../core/types.js';

/**
 * One second of a breaker's traffic: the sparkline's bar. `t` is the start of the second (clock
 * ms, a multiple of 1000); `state` is the worst state the breaker was in during it (open, then
 * half-open, then closed), so a short open spell still shows.
 */
export interface HistoryPoint {
  t: number;
  /** Calls that succeeded. */
  ok: number;
  /** Calls that failed (errors, timeouts). */
  failed: number;
  /** Calls the breaker did not admit. */
  rejected: number;
  /** Calls recorded as neither (cancelled by the caller, `isExcluded`). */
  excluded: number;
  /** Calls slower than `slowCallDuration` (already counted in `ok` or `failed`). */
  slow: number;
  state: CircuitState;
}

/** A state change as the dashboard shows it. */
export interface TransitionView {
  /** Increases by one with every transition the dashboard sees, across breakers. */
  seq: number;
  /** The breaker's id in the snapshot (see {@link BreakerView.id}). */
  id: string;
  name: string;
  from: CircuitState;
  to: CircuitState;
  reason: TransitionReason;
  /** Clock time (ms) of the change. */
  at: number;
}

/** Call totals of one breaker since the dashboard started watching it. */
export interface CallTotals {
  /** Every call the breaker saw, rejected ones included. */
  calls: number;
  ok: number;
  failed: number;
  rejected: number;
  excluded: number;
  slow: number;
}

/** The thresholds in force, for display next to the rates. */
export interface BreakerRules {
  /** Percent, or null without a failure-rate rule. */
  failureRateThreshold: number | null;
  /** Percent, or null without a slow-call rule. */
  slowCallRateThreshold: number | null;
  /** Ms, or null. */
  slowCallDuration: number | null;
  minimumCalls: number;
  maxRequests: number;
  /** Ms, or null when the open wait is a function (a backoff). */
  timeout: number | null;
  /** Ms, or null. */
  callTimeout: number | null;
  /** The rules in one phrase: `trips at 50% failures of the last 20 calls; open 2s, then 3 probes`. */
  summary: string;
}

/** One breaker in a {@link DashboardSnapshot}. */
export interface BreakerView {
  /** Unique in the snapshot: the name, with ` (2)`, ` (3)` ... appended to repeated names. */
  id: string;
  name: string;
  /** The `describe` option's text for it, or null. */
  detail: string | null;
  state: CircuitState;
  /** `'open'` after forceOpen(), `'disabled'` after disable(), else null. */
  forced: 'open' | 'disabled' | null;
  /** Ms until an open breaker turns half-open; 0 when not open; null when forced open. */
  retryAfter: number | null;
  /** 0..1, or -1 while there are too few calls. */
  failureRate: number;
  /** 0..1, or -1 without a slow-call rule or with too few calls. */
  slowCallRate: number;
  counts: Counts;
  rules: BreakerRules;
  /** Since `since`. */
  totals: CallTotals;
  /** Clock ms at which the dashboard started watching this breaker. */
  since: number;
  /**
   * One point per second from `from` to the current second, with no gap. In a full snapshot it
   * covers the history window (or since `since`); in an update only the last two seconds.
   */
  history: { from: number; points: HistoryPoint[] };
  /** The most recent transitions, oldest first. Full snapshots only; updates carry `[]`. */
  transitions: TransitionView[];
  /** The extra panels of the `panels` option that have something to say about this breaker. */
  panels: PanelView[];
}

/** One line of a {@link PanelView}. */
export interface PanelRow {
  label: string;
  value: string | number;
  /** Colours the value: `'ok'` green, `'warn'` amber, `'bad'` red. Default: plain. */
  tone?: 'ok' | 'warn' | 'bad';
}

/** A panel of a breaker's card, as the page shows it: a title over label / value rows. */
export interface PanelView {
  /** The panel's id (see `DashboardPanel.id`). */
  id: string;
  title: string;
  rows: PanelRow[];
}

/** The fleet-level cascade signal: too many breakers open at once. */
export interface CascadeView {
  active: boolean;
  open: number;
  total: number;
  /** open / total, 0..1 (0 with no breaker). */
  share: number;
  /** The open breakers' names, sorted. */
  services: string[];
  /** Percent above which the signal is on; null when the target's own signal decides. */
  threshold: number | null;
  /** Fewest open breakers that make a cascade; null when the target's own signal decides. */
  minimumOpen: number | null;
  /** `'manager'`: the manager's own signal; `'dashboard'`: computed here from the breakers. */
  source: 'manager' | 'dashboard';
}

/** The fleet in one line: how many breakers are in each state, and the cascade signal. */
export interface FleetView {
  total: number;
  closed: number;
  halfOpen: number;
  open: number;
  cascade: CascadeView;
}

/** A link shown in the page's footer. */
export interface DashboardLink {
  label: string;
  /** A path (`/metrics`), a relative URL or an http(s) URL. */
  href: string;
}

/** What `/api/snapshot` serves and the `/events` stream sends (`snapshot` and `update` events). */
export interface DashboardSnapshot {
  version: 1;
  /** `'snapshot'`: everything (history window, transitions); `'update'`: the latest second. */
  kind: 'snapshot' | 'update';
  title: string;
  /** Clock time (ms) the snapshot was taken. */
  at: number;
  /** Ms covered by each history point (1000). */
  resolution: number;
  /** Ms of history the page shows at most. */
  historyWindow: number;
  /** The most recent transition's `seq` (0 before any). */
  lastSeq: number;
  fleet: FleetView;
  /** Sorted by name. */
  breakers: BreakerView[];
  links: DashboardLink[];
}
