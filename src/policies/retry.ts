import { reportListenerError } from '../core/emitter.js';
import { isBreakerOpen, isBreakerRejection } from './errors.js';
import { invoke, isThenable, NEVER_ABORTED, type Policy, type Protected } from './policy.js';
import {
  isBreakerLike,
  resolveRetryOptions,
  type AttemptOutcome,
  type BreakerLike,
  type DelaySource,
  type GiveUpReason,
  type ResolvedRetryOptions,
  type RetryCallOptions,
  type RetryOptions,
} from './retry-options.js';
import type { RetryBudget } from './retry-budget.js';
import { sleep } from './timers.js';
import { numberOption, quote } from './validate.js';

interface CallState {
  attempt: number;
  previous: number;
  breakerWaited: boolean;
  readonly deadlineAt: number;
  readonly breaker: BreakerLike | undefined;
}

/**
 * A retry policy: runs `fn` up to `maxAttempts` times, waiting between attempts. See
 * {@link RetryOptions}; made by {@link retry}.
 */
export class RetryPolicy implements Policy {
  /** The `name` option. */
  readonly name: string;
  /** The `maxAttempts` option. */
  readonly maxAttempts: number;
  /** The `maxDelay` option, ms. */
  readonly maxDelay: number;
  /** The budget in use (`undefined` with `budget: false`). */
  readonly budget: RetryBudget | undefined;
  private readonly o: ResolvedRetryOptions;

  /** @param options see {@link RetryOptions}; validated here (TypeError / RangeError). */
  constructor(options?: RetryOptions) {
    const o = resolveRetryOptions(options);
    this.o = o;
    this.name = o.name;
    this.maxAttempts = o.maxAttempts;
    this.maxDelay = o.maxDelay;
    this.budget = o.budget;
  }

  /**
   * Runs `fn(signal)`, and again after a wait while it fails in a way worth retrying. Resolves
   * with the first accepted result (or the last result when retries end); rejects with the last
   * error, or with the signal's reason as soon as the caller aborts. Never throws.
   */
  execute<T>(fn: Protected<T>, options?: RetryCallOptions): Promise<Awaited<T>> {
    let state: CallState;
    const signal = options?.signal;
    try {
      if (signal?.aborted) return Promise.reject(signal.reason as unknown);
      state = this.startCall(options);
    } catch (error) {
      return Promise.reject(error);
    }
    // A signal that can never abort needs no listener (it is what outer policies pass inward).
    if (signal === undefined || signal === NEVER_ABORTED) return this.run(fn, state, signal);
    return new Promise<Awaited<T>>((resolve, reject) => {
      // The caller's abort settles the call at once, even while an attempt ignores its signal.
      const onAbort = (): void => {
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.run(fn, state, signal).then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private startCall(options: RetryCallOptions | undefined): CallState {
    const deadline = numberOption('retry.execute', 'deadline', options?.deadline, this.o.deadline, {
      min: 0,
      above: true,
      infinite: true,
    });
    const breaker = options?.breaker ?? this.o.breaker;
    if (options?.breaker !== undefined && !isBreakerLike(breaker)) {
      throw new TypeError(
        `retry.execute option breaker must be a CircuitBreaker (anything with retryAfter), got ${quote(breaker)}`,
      );
    }
    const deadlineAt = deadline === Infinity ? Infinity : this.o.clock.now() + deadline;
    return { attempt: 0, previous: 0, breakerWaited: false, deadlineAt, breaker };
  }

  private async run<T>(
    fn: Protected<T>,
    state: CallState,
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T>> {
    this.budget?.recordCall();
    const attemptSignal = signal ?? NEVER_ABORTED;
    for (;;) {
      state.attempt++;
      let outcome: AttemptOutcome;
      try {
        const value = await invoke(fn, attemptSignal);
        if (!this.rejectsResult(value, state.attempt)) return value;
        outcome = { kind: 'result', result: value };
      } catch (error) {
        outcome = { kind: 'error', error };
      }
      if (signal?.aborted) {
        if (outcome.kind === 'result') this.discard(outcome.result);
        throw signal.reason;
      }
      const next = this.decide(outcome, state);
      if (typeof next === 'string') {
        this.emit(this.o.onGiveUp, 'onGiveUp', {
          name: this.name,
          attempts: state.attempt,
          reason: next,
          outcome,
        });
        if (outcome.kind === 'result') return outcome.result as Awaited<T>;
        throw outcome.error;
      }
      this.emit(this.o.onRetry, 'onRetry', {
        name: this.name,
        attempt: state.attempt,
        delay: next.delay,
        delaySource: next.source,
        outcome,
      });
      if (outcome.kind === 'result') this.discard(outcome.result);
      await sleep(next.delay, this.o.clock, signal);
    }
  }

  /** The wait before the next attempt, or why there is none. Takes a retry from the budget. */
  private decide(
    outcome: AttemptOutcome,
    state: CallState,
  ): { delay: number; source: DelaySource } | GiveUpReason {
    const error = outcome.kind === 'error' ? outcome.error : undefined;
    let delay: number;
    let source: DelaySource;
    if (outcome.kind === 'error' && isBreakerRejection(error)) {
      // The attempt never ran: retrying at once would only be rejected again. Wait until the
      // breaker admits calls, once, when that fits.
      if (state.breakerWaited) return 'breaker-open';
      // Fail-fast: an open breaker ends the retries now, unless the caller chose to wait.
      if (isBreakerOpen(error) && !this.o.waitForBreaker) return 'breaker-open';
      if (state.attempt >= this.maxAttempts) return 'attempts';
      // Open: its retryAfter says when. Saturated half-open: the probes decide soon; back off,
      // on a timer of at least 1 ms even when the jitter draws 0: a retry in a microtask would
      // not let the probe's own I/O complete.
      delay = isBreakerOpen(error)
        ? error.retryAfter
        : Math.max(1, Math.min(this.maxDelay, this.nextBackoff(state, outcome)));
      if (!(delay >= 0) || delay > this.maxDelay) return 'breaker-open';
      source = 'breaker';
      state.breakerWaited = true;
    } else {
      if (outcome.kind === 'error' && !this.accepts(error, state.attempt)) return 'not-retryable';
      if (state.attempt >= this.maxAttempts) return 'attempts';
      const asked = this.askedDelay(outcome);
      if (asked !== undefined) {
        if (asked > this.maxDelay) return 'max-delay';
        delay = asked;
        source = 'retry-after';
      } else {
        delay = Math.min(this.maxDelay, this.nextBackoff(state, outcome));
        source = 'backoff';
      }
      const wait = state.breaker?.retryAfter ?? 0;
      if (wait > 0) {
        // The failure opened the breaker (or it was open): a retry now would be refused.
        if (!this.o.waitForBreaker || state.breakerWaited || !(wait <= this.maxDelay)) {
          return 'breaker-open';
        }
        if (wait > delay) {
          delay = wait;
          source = 'breaker';
        }
        state.breakerWaited = true;
      }
    }
    if (this.o.clock.now() + delay >= state.deadlineAt) return 'deadline';
    if (this.budget && !this.budget.tryRetry()) return 'budget';
    return { delay, source };
  }

  private nextBackoff(state: CallState, outcome: AttemptOutcome): number {
    const delay = this.o.backoff({
      attempt: state.attempt,
      previous: state.previous,
      random: this.o.random,
    });
    if (typeof delay !== 'number' || !(delay >= 0)) {
      throw new RangeError(
        `retry backoff returned ${quote(delay)} for attempt ${state.attempt}; it must return a number of ms >= 0`,
        { cause: outcome.kind === 'error' ? outcome.error : outcome.result },
      );
    }
    state.previous = delay;
    return delay;
  }

  private accepts(error: unknown, attempt: number): boolean {
    try {
      return this.o.retryOn(error, attempt);
    } catch (predicateError) {
      reportListenerError(`retry ${JSON.stringify(this.name)} retryOn`, predicateError);
      return false;
    }
  }

  private rejectsResult(value: unknown, attempt: number): boolean {
    if (!this.o.retryOnResult) return false;
    try {
      return this.o.retryOnResult(value, attempt);
    } catch (predicateError) {
      reportListenerError(`retry ${JSON.stringify(this.name)} retryOnResult`, predicateError);
      return false;
    }
  }

  /** The wait the failed attempt asks for (Retry-After), when it asks for a valid one. */
  private askedDelay(outcome: AttemptOutcome): number | undefined {
    if (!this.o.retryAfter) return undefined;
    try {
      const ms = this.o.retryAfter(
        outcome.kind === 'error' ? outcome.error : outcome.result,
        this.o.clock.now(),
      );
      return typeof ms === 'number' && ms >= 0 ? ms : undefined;
    } catch (extractorError) {
      reportListenerError(`retry ${JSON.stringify(this.name)} retryAfter`, extractorError);
      return undefined;
    }
  }

  private discard(result: unknown): void {
    const discard = this.o.discardResult;
    if (!discard) return;
    const where = `retry ${JSON.stringify(this.name)} discardResult`;
    try {
      const pending = discard(result);
      if (isThenable(pending)) {
        pending.then(undefined, (error: unknown) => {
          reportListenerError(where, error);
        });
      }
    } catch (error) {
      reportListenerError(where, error);
    }
  }

  private emit<E>(listener: ((event: E) => void) | undefined, label: string, event: E): void {
    if (!listener) return;
    try {
      listener(event);
    } catch (error) {
      reportListenerError(`retry ${JSON.stringify(this.name)} ${label}`, error);
    }
  }
}

/**
 * Makes a retry policy. The defaults are safe: 3 attempts in all, exponential backoff with full
 * jitter from 100 ms to 10 s, a retry budget of 20 % of calls (plus 10 retries/s), no retry of
 * breaker or bulkhead rejections nor of aborts, `Retry-After` of 429/503 honoured up to 30 s.
 *
 * @example
 * const policy = retry({ maxAttempts: 4, breaker, retryOn: (e) => isTransient(e) });
 * const user = await policy.execute((signal) => api.getUser(id, { signal }), { signal });
 */
export function retry(options?: RetryOptions): RetryPolicy {
  return new RetryPolicy(options);
}
