import type { Clock } from './clock.js';
import type { TripRule } from './rules.js';
import type { CircuitState, Counts, WindowOptions } from './types.js';

/** The default trip rule: more than five consecutive failures. */
export const defaultReadyToTrip = (counts: Counts): boolean => counts.consecutiveFailures > 5;

/** Default open -> half-open wait, in ms; also what values <= 0 become. */
export const DEFAULT_TIMEOUT = 60_000;

/**
 * Options of {@link CircuitBreaker}. Durations are milliseconds. Only own properties count (an
 * option inherited from a prototype is ignored), and `null` is a wrong type for every option (a
 * TypeError naming it); leave a key out or pass `undefined` for its default. `BREAKER_OPTION_TABLE` lists each with its type, unit, default and range.
 */
export interface BreakerOptions {
  /** Shown in errors, events and metrics. Default `''`. */
  name?: string;
  /**
   * In half-open: calls admitted per episode, and consecutive successes that close the breaker.
   * Default 1; values < 1 become 1.
   */
  maxRequests?: number;
  /** In closed state, counts are cleared every `interval` ms. Default 0 (values <= 0: never). */
  interval?: number;
  /**
   * Open -> half-open after this many ms. Default 60000 (values <= 0 become 60000). A function
   * `(opens) => ms` backs off: `opens` is 1 for the first open since the breaker last closed.
   */
  timeout?: number | ((opens: number) => number);
  /** Called with a copy of the counts after every failure recorded in closed state. */
  readyToTrip?: (counts: Counts) => boolean;
  /** `true` records a thrown value as a success (the caller still gets the error). */
  isSuccessful?: (error: unknown) => boolean;
  /**
   * `true` records a thrown value as neither success nor failure. Checked first, after the
   * refusals of policies inside the breaker (bulkhead full, an inner breaker open), which are
   * always excluded.
   */
  isExcluded?: (error: unknown) => boolean;
  /** `(name, from, to)` after every change of state has taken effect. */
  onStateChange?: (name: string, from: CircuitState, to: CircuitState) => void;
  /**
   * Sliding window for the rate rules. Default none. A count window keeps at most 1,000,000
   * calls, a time window at most 10,000 buckets (larger is a RangeError naming the field).
   */
  window?: WindowOptions;
  /** Percent (0 < x <= 100): trip when failures / calls in the window >= this. */
  failureRateThreshold?: number;
  /** A call that takes strictly longer than this many ms is slow. */
  slowCallDuration?: number;
  /** Percent (0 < x <= 100): trip when slow / calls in the window >= this. */
  slowCallRateThreshold?: number;
  /** Fewest calls (successes + failures) in the window before the rate rules apply. Default 1. */
  minimumCalls?: number;
  /** Each call's signal aborts after this many ms; the call fails with CallTimeoutError. */
  callTimeout?: number;
  /**
   * Half-open probe deadline in ms: when admitted probes have not settled this long after the
   * last admission, the breaker opens again (their late results are ignored) instead of staying
   * half-open forever. Default 60000; `Infinity` turns it off.
   */
  halfOpenTimeout?: number;
  /** The only source of time. Default: `Date.now()` and unref'd `setTimeout`. */
  clock?: Clock;
  /** A state saved by `toJSON()`, to carry a breaker across process restarts. */
  initialState?: BreakerSnapshot;
  /** Extra trip rules, OR-ed with the built-in ones (see {@link TripRule}). Default none. */
  rules?: readonly TripRule[];
  /** Source of uniform numbers in [0, 1) for the rules' `rejectionShare`. Default `Math.random`. */
  random?: () => number;
  /**
   * Confidence (0 < c < 1) for the rate rules: each trips when the one-sided Wilson lower bound
   * of its rate at this confidence is at or above its threshold. Needs a `window` and a rate
   * threshold. Default none (the observed rate is compared).
   */
  confidence?: number;
}

/** What `toJSON()` returns and `initialState` accepts. Times are in the clock's ms. */
export interface BreakerSnapshot {
  name: string;
  state: CircuitState;
  counts: Counts;
  /** Opens since the breaker was last closed (drives a `timeout` function). */
  opens: number;
  /** When the breaker last opened; `null` when it has not. */
  openedAt: number | null;
  /** When an open breaker turns half-open; `null` otherwise. */
  halfOpenAt: number | null;
  /** Start of the current closed generation (interval resets align to it). */
  generationStart: number;
  /** `'open'` after forceOpen(), `'disabled'` after disable(), else `null`. */
  forced: 'open' | 'disabled' | null;
  /** The window's buckets or ring, when a window is configured. */
  window?: import('./windows/window.js').WindowState;
}

/** Options after defaults, coercion and validation. Internal. */
export interface ResolvedOptions {
  name: string;
  maxRequests: number;
  interval: number;
  timeout: number | ((opens: number) => number);
  readyToTrip: ((counts: Counts) => boolean) | undefined;
  isSuccessful: ((error: unknown) => boolean) | undefined;
  isExcluded: ((error: unknown) => boolean) | undefined;
  window: Required<WindowOptions> | { kind: 'count'; size: number } | undefined;
  failureRateThreshold: number | undefined;
  slowCallDuration: number | undefined;
  slowCallRateThreshold: number | undefined;
  minimumCalls: number;
  callTimeout: number | undefined;
  halfOpenTimeout: number;
  clock: Clock;
  rules: readonly TripRule[];
  random: () => number;
  confidence: number | undefined;
}

/** Quotes a value for an error message: strings in quotes, numbers as they print. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  // JSON would print NaN and Infinity as null, quoting a value the caller never gave.
  if (typeof value === 'number') return String(value);
  try {
    const json = JSON.stringify(value) as string | undefined;
    return json ?? String(value);
  } catch {
    return String(value);
  }
}

export { editDistance, suggest } from './suggest.js';
export { resolveOptions } from './resolve-options.js';
