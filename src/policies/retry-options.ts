import type { Clock } from '../core/clock.js';
import { constantBackoff, exponentialBackoff, type Backoff } from './backoff.js';
import { isPolicyRejection } from './errors.js';
import type { CallOptions } from './policy.js';
import { retryAfterFrom } from './retry-after.js';
import { badBudget, isRetryBudget, retryBudget, type RetryBudget } from './retry-budget.js';
import {
  booleanOption,
  checkOptions,
  clockOption,
  functionOption,
  MAX_TIMER_MS,
  numberOption,
  quote,
  stringOption,
} from './validate.js';

/** Anything that tells how long until it admits calls again: a `CircuitBreaker` does. */
export interface BreakerLike {
  /** Ms until the breaker admits calls again: 0 when it does now, `Infinity` when forced open. */
  readonly retryAfter: number;
}

/** How one attempt ended: it threw, or `retryOnResult` turned its result down. */
export type AttemptOutcome =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'result'; readonly result: unknown };

/** Where the wait before a retry came from. */
export type DelaySource = 'backoff' | 'retry-after' | 'breaker';

/** Delivered to `onRetry` before each wait. */
export interface RetryEvent {
  /** The policy's `name`. */
  readonly name: string;
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  /** The wait before the next attempt, ms. */
  readonly delay: number;
  /** `'backoff'`, `'retry-after'` (the response asked for it) or `'breaker'` (until it admits). */
  readonly delaySource: DelaySource;
  /** How the attempt failed. */
  readonly outcome: AttemptOutcome;
}

/** Why a retry policy stopped retrying. */
export type GiveUpReason =
  /** `maxAttempts` attempts were made. */
  | 'attempts'
  /** `retryOn` said no (by default: to bulkhead rejections and AbortErrors). */
  | 'not-retryable'
  /** The retry budget had no retry left. */
  | 'budget'
  /** The next attempt could not start before the deadline. */
  | 'deadline'
  /** `Retry-After` asked for a wait longer than `maxDelay`. */
  | 'max-delay'
  /** A breaker is open (or saturated) and waiting for it does not fit, or was done already. */
  | 'breaker-open';

/**
 * Delivered to `onGiveUp` when a call ends with a failed attempt (not when the caller aborted).
 */
export interface GiveUpEvent {
  readonly name: string;
  /** Attempts made. */
  readonly attempts: number;
  readonly reason: GiveUpReason;
  /** How the last attempt failed; this is what the caller gets. */
  readonly outcome: AttemptOutcome;
}

/** Options of {@link retry}. Durations are ms. */
export interface RetryOptions {
  /** Shown in events. Default `''`. */
  name?: string;
  /** Attempts in all, the first included: an integer >= 1, or Infinity. Default 3. */
  maxAttempts?: number;
  /**
   * The wait before each retry: a {@link Backoff} or a constant number of ms. Default
   * `exponentialBackoff()`: 100 ms doubling up to 10 s, with full jitter.
   */
  backoff?: Backoff | number;
  /**
   * The longest single wait: backoffs are capped at it; a `Retry-After` or a breaker's wait
   * longer than it ends the retries instead. Default 30000.
   */
  maxDelay?: number;
  /**
   * Time for the whole call, from `execute`: no retry is started unless its wait ends before
   * the deadline. Attempts themselves are not cut short (that is `timeout`'s job). Default
   * Infinity. Per call: `execute(fn, { deadline })`.
   */
  deadline?: number;
  /**
   * A shared {@link RetryBudget}, or `false` for none. Default: a budget of this policy alone,
   * `retryBudget({ clock })` (20 % of calls plus 10 retries per second).
   */
  budget?: RetryBudget | false;
  /**
   * Whether an error is worth another attempt. Default {@link defaultRetryOn}. Breaker
   * rejections are handled before it is asked (see `breaker`).
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
  /**
   * Whether a result is a failure worth another attempt (a 503 `Response`, say). When the
   * retries end, the last result is returned. Default: results are never retried.
   */
  retryOnResult?: (result: unknown, attempt: number) => boolean;
  /**
   * The wait a failed attempt asks for (error or result), in ms, or `undefined` for the backoff.
   * `now` is the retry's clock (HTTP-dates need it on the Unix epoch, as the system clock is).
   * Default {@link retryAfterFrom} (`Retry-After` of 429 and 503 responses); `false` to ignore
   * such hints.
   */
  retryAfter?: ((outcome: unknown, now: number) => number | undefined) | false;
  /**
   * The breaker the attempts go through (its `retryAfter` is read): no retry is made into it
   * while it is open. Per call: `execute(fn, { breaker })`.
   */
  breaker?: BreakerLike;
  /**
   * What an open breaker does to the retries. Default `false`, fail-fast: a `BreakerOpenError`,
   * or a failure after which the breaker is open, ends the retries at once (reason
   * `'breaker-open'`), so a fallback outside runs now. `true`: wait until the breaker turns
   * half-open and retry, when that wait fits `maxDelay` and the deadline, at most once per call.
   * (A saturated half-open breaker, `TooManyRequestsError`, is backed off once either way.)
   */
  waitForBreaker?: boolean;
  /**
   * Called once with each result that is not returned to the caller (retried, or dropped
   * because the caller aborted), to free it: `(res) => res.body?.cancel()` for a `Response`.
   */
  discardResult?: (result: unknown) => void | PromiseLike<void>;
  /** Called before each wait. Exceptions are reported as warnings, never thrown. */
  onRetry?: (event: RetryEvent) => void;
  /** Called when a call ends with a failed attempt. Exceptions are reported, never thrown. */
  onGiveUp?: (event: GiveUpEvent) => void;
  /** Source of time and of the retry timers. Default the system clock (referenced timers). */
  clock?: Clock;
  /** Uniform random numbers in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
}

/** Per-call options of {@link RetryPolicy.execute}. */
export interface RetryCallOptions extends CallOptions {
  /** Overrides the policy's `deadline` for this call (ms from now). */
  deadline?: number | undefined;
  /** Overrides the policy's `breaker` for this call. */
  breaker?: BreakerLike | undefined;
}

const KEYS = [
  'name',
  'maxAttempts',
  'backoff',
  'maxDelay',
  'deadline',
  'budget',
  'retryOn',
  'retryOnResult',
  'retryAfter',
  'breaker',
  'waitForBreaker',
  'discardResult',
  'onRetry',
  'onGiveUp',
  'clock',
  'random',
] as const;

/**
 * The default `retryOn`: every error except a policy's refusal to run the call (breaker open,
 * bulkhead full: see {@link isPolicyRejection}) and cancellations (`name === 'AbortError'`).
 * Timeouts are retried. The caller's own abort is never retried, whatever `retryOn` says.
 */
export function defaultRetryOn(error: unknown): boolean {
  if (isPolicyRejection(error)) return false;
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}

/** True for anything with a `retryAfter` (a `CircuitBreaker`). */
export function isBreakerLike(value: unknown): value is BreakerLike {
  return typeof value === 'object' && value !== null && 'retryAfter' in value;
}

/** {@link RetryOptions} after defaults and validation. Internal. */
export interface ResolvedRetryOptions {
  name: string;
  maxAttempts: number;
  backoff: Backoff;
  maxDelay: number;
  deadline: number;
  budget: RetryBudget | undefined;
  retryOn: (error: unknown, attempt: number) => boolean;
  retryOnResult: ((result: unknown, attempt: number) => boolean) | undefined;
  retryAfter: ((outcome: unknown, now: number) => number | undefined) | undefined;
  breaker: BreakerLike | undefined;
  waitForBreaker: boolean;
  discardResult: ((result: unknown) => void | PromiseLike<void>) | undefined;
  onRetry: ((event: RetryEvent) => void) | undefined;
  onGiveUp: ((event: GiveUpEvent) => void) | undefined;
  clock: Clock;
  random: () => number;
}

function resolveBackoff(label: string, value: unknown): Backoff {
  if (value === undefined) return exponentialBackoff();
  if (typeof value === 'number') {
    return constantBackoff(numberOption(label, 'backoff', value, 0, { min: 0, max: MAX_TIMER_MS }));
  }
  if (typeof value !== 'function') {
    throw new TypeError(
      `${label} option backoff must be a function (attempt context) => ms or a number of ms, got ${quote(value)}`,
    );
  }
  return value as Backoff;
}

/**
 * Applies the defaults of {@link RetryOptions} and validates every option: a bad value throws a
 * TypeError or RangeError naming the option and quoting the value.
 */
export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const label = 'retry';
  const o = checkOptions(label, options, KEYS);
  const clock = clockOption(label, o.clock);
  const budget: unknown = o.budget;
  if (budget !== undefined && budget !== false && !isRetryBudget(budget)) badBudget(label, budget);
  const retryAfter: unknown = o.retryAfter;
  if (o.breaker !== undefined && !isBreakerLike(o.breaker)) {
    throw new TypeError(
      `${label} option breaker must be a CircuitBreaker (anything with retryAfter), got ${quote(o.breaker)}`,
    );
  }
  return {
    name: stringOption(label, 'name', o.name, ''),
    maxAttempts: numberOption(label, 'maxAttempts', o.maxAttempts, 3, {
      min: 1,
      integer: true,
      infinite: true,
    }),
    backoff: resolveBackoff(label, o.backoff),
    maxDelay: numberOption(label, 'maxDelay', o.maxDelay, 30_000, { min: 0, max: MAX_TIMER_MS }),
    deadline: numberOption(label, 'deadline', o.deadline, Infinity, {
      min: 0,
      above: true,
      infinite: true,
    }),
    budget: budget === false ? undefined : o.budget || retryBudget({ clock }),
    retryOn: functionOption(label, 'retryOn', o.retryOn) ?? defaultRetryOn,
    retryOnResult: functionOption(label, 'retryOnResult', o.retryOnResult),
    retryAfter:
      retryAfter === false
        ? undefined
        : (functionOption(label, 'retryAfter', o.retryAfter || undefined) ?? retryAfterFrom),
    breaker: o.breaker,
    waitForBreaker: booleanOption(label, 'waitForBreaker', o.waitForBreaker, false),
    discardResult: functionOption(label, 'discardResult', o.discardResult),
    onRetry: functionOption(label, 'onRetry', o.onRetry),
    onGiveUp: functionOption(label, 'onGiveUp', o.onGiveUp),
    clock,
    random: functionOption(label, 'random', o.random) ?? Math.random,
  };
}
