import { checkOptions, numberOption, quote } from './validate.js';

/** What a {@link Backoff} is given for each wait of one `execute`. */
export interface BackoffContext {
  /** 1 for the wait before the second attempt, 2 before the third, and so on. */
  readonly attempt: number;
  /** The delay this backoff returned for the previous wait of the same call; 0 before the first. */
  readonly previous: number;
  /** A uniform random number source in [0, 1) (the retry's `random` option). */
  readonly random: () => number;
}

/**
 * The wait before a retry, in ms, as a pure function of its context: the same context gives the
 * same delay, so a seeded `random` makes every delay reproducible.
 */
export type Backoff = (context: BackoffContext) => number;

/**
 * The same wait every time.
 * @param ms the wait in ms (finite, >= 0).
 */
export function constantBackoff(ms: number): Backoff {
  const given: unknown = ms;
  if (given === undefined) throw new TypeError('constantBackoff(ms): ms is required');
  const delay = numberOption('constantBackoff', 'ms', ms, 0, { min: 0 });
  return () => delay;
}

/** How an {@link exponentialBackoff} spreads its waits. */
export type Jitter = 'full' | 'equal' | 'none';

/** Options of {@link exponentialBackoff}. Durations are ms. */
export interface ExponentialBackoffOptions {
  /** The (uncapped, unjittered) first wait. Default 100. */
  initial?: number;
  /** Upper bound of the unjittered wait. Default 10000. */
  max?: number;
  /** Growth per retry. Default 2. */
  multiplier?: number;
  /**
   * `'full'` (default): uniform in [0, base), which spreads a crowd of retrying clients best;
   * `'equal'`: uniform in [base/2, base), never much shorter than the base; `'none'`: the base.
   */
  jitter?: Jitter;
}

const EXPONENTIAL_KEYS = ['initial', 'max', 'multiplier', 'jitter'] as const;

/**
 * Waits growing geometrically: base = `min(max, initial * multiplier^(attempt - 1))`, then
 * jittered (see {@link ExponentialBackoffOptions.jitter}). The default of `retry`.
 *
 * @example retry({ backoff: exponentialBackoff({ initial: 200, max: 5000, jitter: 'equal' }) })
 */
export function exponentialBackoff(options?: ExponentialBackoffOptions): Backoff {
  const label = 'exponentialBackoff';
  const o = checkOptions(label, options, EXPONENTIAL_KEYS);
  const initial = numberOption(label, 'initial', o.initial, 100, { min: 0, above: true });
  const max = numberOption(label, 'max', o.max, Math.max(10_000, initial), { min: initial });
  const multiplier = numberOption(label, 'multiplier', o.multiplier, 2, { min: 1 });
  const jitter: unknown = o.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'equal' && jitter !== 'none') {
    throw new TypeError(
      `${label} option jitter must be 'full', 'equal' or 'none', got ${quote(jitter)}`,
    );
  }
  return ({ attempt, random }) => {
    const base = Math.min(max, initial * multiplier ** Math.max(0, attempt - 1));
    if (jitter === 'none') return base;
    if (jitter === 'full') return random() * base;
    return base / 2 + (random() * base) / 2;
  };
}

/** Options of {@link decorrelatedJitterBackoff}. Durations are ms. */
export interface DecorrelatedJitterOptions {
  /** The shortest wait, and the first wait's upper bound is 3x this. Default 100. */
  initial?: number;
  /** Upper bound of every wait. Default 10000. */
  max?: number;
}

/**
 * "Decorrelated jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): each wait is
 * uniform in [initial, 3 * previous wait], capped at `max`. Waits grow about as fast as
 * exponential ones but depend on the previous wait rather than on the attempt number.
 */
export function decorrelatedJitterBackoff(options?: DecorrelatedJitterOptions): Backoff {
  const label = 'decorrelatedJitterBackoff';
  const o = checkOptions(label, options, ['initial', 'max']);
  const initial = numberOption(label, 'initial', o.initial, 100, { min: 0, above: true });
  const max = numberOption(label, 'max', o.max, Math.max(10_000, initial), { min: initial });
  return ({ previous, random }) => {
    const upper = Math.max(initial, previous) * 3;
    return Math.min(max, initial + random() * (upper - initial));
  };
}
