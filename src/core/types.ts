/** The three states of a breaker. Strings, so they go straight into JSON, labels and logs. */
export type CircuitState = 'closed' | 'half-open' | 'open';

/**
 * The counts of the current generation. `requests` counts admitted calls at admission (with a
 * `window`: the calls whose outcomes are in the window); the totals count outcomes; the two
 * consecutive counts are never windowed.
 */
export interface Counts {
  requests: number;
  totalSuccesses: number;
  totalFailures: number;
  totalExclusions: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

/** What `done` of {@link CircuitBreaker.allow} accepts: success, failure, or neither. */
export type Outcome = boolean | 'excluded';

/** Kinds of recorded outcome, as events and metrics name them. */
export type OutcomeKind = 'success' | 'failure' | 'excluded';

/** Why a call was not admitted. */
export type RejectionReason = 'open' | 'too_many_requests';

/** `{ kind: 'count', size }`: the last `size` calls. */
export interface CountWindowOptions {
  kind: 'count';
  /** Number of calls (integer >= 1). */
  size: number;
}

/** `{ kind: 'time', size, buckets }`: the last `size` ms, kept in `buckets` equal buckets. */
export interface TimeWindowOptions {
  kind: 'time';
  /** Length of the window in ms (integer >= 1). */
  size: number;
  /** Number of buckets (integer >= 1 that divides `size`). Default 10. */
  buckets?: number;
}

/** A sliding window of outcomes, used by the failure-rate and slow-call-rate rules. */
export type WindowOptions = CountWindowOptions | TimeWindowOptions;

/** A function that takes and returns nothing, that also works with `using`. */
export interface Disposer {
  (): void;
  [Symbol.dispose](): void;
}
