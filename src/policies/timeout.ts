import type { Clock } from '../core/clock.js';
import { CallTimeoutError } from '../core/errors.js';
import { invoke, NEVER_ABORTED, type CallOptions, type Policy, type Protected } from './policy.js';
import { scheduleWatchdog } from './timers.js';
import {
  checkOptions,
  clockOption,
  MAX_TIMER_MS,
  numberOption,
  quote,
  stringOption,
} from './validate.js';

/**
 * `'cooperative'`: when time is up the signal given to `fn` aborts, and the call settles when
 * `fn` does (rejecting with `CallTimeoutError` if `fn` rejects). `'aggressive'`: the call also
 * rejects at once; `fn` goes on in the background and its outcome is dropped (a late rejection
 * is handled, never unhandled).
 */
export type TimeoutStrategy = 'cooperative' | 'aggressive';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** The limit, ms (> 0, < 2^31). Required. */
  ms: number;
  /** Default `'cooperative'`. */
  strategy?: TimeoutStrategy;
  /** Shown in the `CallTimeoutError` (`breakerName`). Default `''`. */
  name?: string;
  /**
   * Source of the timers. Default the system clock, whose timers are unref'd: a pending
   * timeout never holds the process open by itself.
   */
  clock?: Clock;
}

/** A timeout policy; made by {@link timeout}. */
export class TimeoutPolicy implements Policy {
  /** The `name` option. */
  readonly name: string;
  /** The limit, ms. */
  readonly ms: number;
  /** The `strategy` option. */
  readonly strategy: TimeoutStrategy;
  private readonly clock: Clock;

  /** @param options see {@link TimeoutOptions}, or the limit in ms. */
  constructor(options: TimeoutOptions | number) {
    const label = 'timeout';
    const o = checkOptions(label, typeof options === 'number' ? { ms: options } : options, [
      'ms',
      'strategy',
      'name',
      'clock',
    ]);
    if (o.ms === undefined) throw new TypeError('timeout option ms is required');
    this.ms = numberOption(label, 'ms', o.ms, 0, { min: 0, above: true, max: MAX_TIMER_MS });
    const strategy: unknown = o.strategy ?? 'cooperative';
    if (strategy !== 'cooperative' && strategy !== 'aggressive') {
      throw new TypeError(
        `timeout option strategy must be 'cooperative' or 'aggressive', got ${quote(strategy)}`,
      );
    }
    this.strategy = strategy;
    this.name = stringOption(label, 'name', o.name, '');
    this.clock = clockOption(label, o.clock);
  }

  /**
   * Runs `fn` with a signal that aborts with a `CallTimeoutError` after `ms` (or with the
   * caller's reason when the caller aborts). The timer and the listener on the caller's signal
   * are gone once the call settles. Never throws.
   *
   * @param fn receives that signal; one that declares no parameter gets a signal that never
   * aborts, since it could not observe one (making a signal is the main cost of a timeout).
   */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    const aggressive = this.strategy === 'aggressive';
    return new Promise<Awaited<T>>((resolve, reject) => {
      // A signal costs microseconds to make; a fn that declares no parameter cannot observe one.
      const controller = fn.length > 0 ? new AbortController() : undefined;
      let timedOut: CallTimeoutError | undefined;
      let settled = false;
      const finish = (): void => {
        settled = true;
        cancel();
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        // The caller gave up first: what the timer would say no longer matters.
        cancel();
        controller?.abort(signal?.reason);
        if (aggressive && !settled) {
          finish();
          reject(signal?.reason);
        }
      };
      const cancel = scheduleWatchdog(this.clock, this.ms, () => {
        timedOut = new CallTimeoutError(this.name, this.ms);
        controller?.abort(timedOut);
        if (aggressive && !settled) {
          finish();
          reject(timedOut);
        }
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      invoke(fn, controller?.signal ?? signal ?? NEVER_ABORTED).then(
        (value) => {
          if (settled) return;
          finish();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          finish();
          // fn rejecting after its signal aborted is the abort taking effect: report the cause.
          reject(timedOut ?? (signal?.aborted ? signal.reason : error));
        },
      );
    });
  }
}

/**
 * Makes a timeout policy: `timeout({ ms: 2000 })` (cooperative) or
 * `timeout({ ms: 2000, strategy: 'aggressive' })`; `timeout(2000)` is short for the first.
 * Rejects with `CallTimeoutError` (`name` 'TimeoutError', `code` 'ERR_CALL_TIMEOUT'), the error
 * a breaker's `callTimeout` raises, so one check covers both.
 */
export function timeout(options: TimeoutOptions | number): TimeoutPolicy {
  return new TimeoutPolicy(options);
}
