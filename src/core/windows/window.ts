/** Outcome codes a window stores. Numbers, so a count window fits them in a byte each. */
export const SUCCESS = 0;
export const FAILURE = 1;
export const EXCLUDED = 2;
/** Not stored: a thrown value that the breaker's predicates classify. */
export const CLASSIFY = 3;
/** Added to SUCCESS or FAILURE for a call that was slow. */
export const SLOW = 4;

/** What a window holds right now. */
export interface WindowTotals {
  successes: number;
  failures: number;
  exclusions: number;
  slow: number;
}

/** The saved form of a window, for `toJSON()` and `initialState`. */
export interface WindowState {
  kind: 'count' | 'time';
  /** Count window: success and failure codes oldest first. Time window: 4 numbers a bucket, oldest first. */
  data: number[];
  /** Time window only: the absolute bucket number (floor(now / width)) of the newest bucket. */
  head?: number;
  /**
   * Count window only: the exclusions recorded before each entry of `data`, then those after the
   * newest (`data.length + 1` numbers).
   */
  exclusions?: number[];
}

/**
 * A sliding window of call outcomes. Totals are kept by subtract-on-evict, so reading them is
 * O(1) and memory is O(size) for a count window, O(buckets) for a time window.
 */
export interface OutcomeWindow extends WindowTotals {
  /** Adds one outcome (SUCCESS, FAILURE or EXCLUDED, plus SLOW) observed at `now`. */
  record(code: number, now: number): void;
  /** Drops what has aged out at `now` (time windows only). */
  advance(now: number): void;
  /** Empties the window. */
  reset(): void;
  /** The window's content, to restore with `restore`. */
  save(): WindowState;
  /** Refills the window from `save()`'s output; throws a TypeError naming the bad field. */
  restore(state: WindowState): void;
}
