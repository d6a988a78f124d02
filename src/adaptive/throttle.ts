import type { Clock } from '../core/clock.js';
import { Emitter, reportListenerError } from '../core/emitter.js';
import type { Disposer } from '../core/types.js';
import {
  invoke,
  NEVER_ABORTED,
  type CallOptions,
  type Policy,
  type Protected,
} from '../policies/policy.js';
import {
  checkOptions,
  clockOption,
  functionOption,
  numberOption,
  stringOption,
} from '../policies/validate.js';
import { ThrottledError } from './errors.js';
import { RollingCounts } from './rolling-counts.js';

/** Options of {@link adaptiveThrottle}. */
export interface AdaptiveThrottleOptions {
  /** Shown in `ThrottledError` (`breakerName`), events and metrics. Default `''`. */
  name?: string;
  /**
   * How many requests per accepted one the dependency may see before throttling starts (a
   * number >= 1): throttling begins when fewer than 1/k of the calls are accepted. Default 2.
   */
  k?: number;
  /** ms of history the counts cover (> 0). Default 60 000. */
  window?: number;
  /** Source of time (`now()` in ms). Default the system clock. */
  clock?: Clock;
  /** Uniform in [0, 1): a call is rejected when `random() < probability`. Default `Math.random`. */
  random?: () => number;
  /**
   * Called with what `fn` threw: true counts the call as accepted anyway (the dependency
   * answered, with an error that is the caller's own, such as a 404). Default: never.
   */
  isAccepted?: (error: unknown) => boolean;
}

/** Delivered to `onThrottle` listeners for every call the throttle rejects. */
export interface ThrottleEvent {
  name: string;
  /** Clock time of the rejection, ms. */
  at: number;
  /** The probability the call was drawn against. */
  probability: number;
  /** Requests in the window before this call. */
  requests: number;
  /** Accepts in the window. */
  accepts: number;
}

const KNOWN = ['name', 'k', 'window', 'clock', 'random', 'isAccepted'] as const;

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"); made by
 * {@link adaptiveThrottle}. Before each call it computes
 * `p = max(0, (requests - k * accepts) / (requests + 1))` over the calls that arrived in the
 * last `window` ms and rejects the call with probability `p`, so the dependency sees about `k`
 * requests per accepted one however much the callers offer.
 */
export class AdaptiveThrottle implements Policy {
  /** The `name` option. */
  readonly name: string;
  /** The `k` option. */
  readonly k: number;
  /** The `window` option, ms. */
  readonly window: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly isAccepted: (error: unknown) => boolean;
  private readonly counts: RollingCounts;
  private readonly throttled = new Emitter<ThrottleEvent>('onThrottle');
  private rejectedTotal = 0;

  /** @param options see {@link AdaptiveThrottleOptions}; validated here. */
  constructor(options?: AdaptiveThrottleOptions) {
    const label = 'adaptiveThrottle';
    const o = checkOptions(label, options, [...KNOWN]);
    this.name = stringOption(label, 'name', o.name, '');
    this.k = numberOption(label, 'k', o.k, 2, { min: 1 });
    this.window = numberOption(label, 'window', o.window, 60_000, { min: 0, above: true });
    this.clock = clockOption(label, o.clock);
    this.random = functionOption(label, 'random', o.random) ?? Math.random;
    this.isAccepted = functionOption(label, 'isAccepted', o.isAccepted) ?? (() => false);
    this.counts = new RollingCounts(this.window);
  }

  /** The rejection probability a call made now would be drawn against (0..1). */
  get probability(): number {
    const now = this.clock.now();
    return this.probabilityOf(this.counts.requests(now), this.counts.accepts(now));
  }

  /** Calls made through the throttle in the window, the rejected ones included. */
  get requests(): number {
    return this.counts.requests(this.clock.now());
  }

  /** Calls in the window that the dependency accepted. */
  get accepts(): number {
    return this.counts.accepts(this.clock.now());
  }

  /** Calls rejected since the throttle was made. */
  get rejected(): number {
    return this.rejectedTotal;
  }

  /** Calls `listener` for every rejected call; returns a function that unsubscribes it. */
  onThrottle(listener: (event: ThrottleEvent) => void): Disposer {
    return this.throttled.subscribe(listener);
  }

  /**
   * Runs `fn`, or rejects with {@link ThrottledError} without running it when
   * `random() < probability`. Every call made counts as a request, the rejected ones too; a
   * call counts as accepted when `fn` resolves or throws an error `isAccepted` accepts. A
   * `signal` already aborted rejects with its reason and counts nothing. Never throws.
   */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    const now = this.clock.now();
    const requests = this.counts.requests(now);
    const accepts = this.counts.accepts(now);
    const p = this.probabilityOf(requests, accepts);
    const bucket = this.counts.request(now);
    if (p > 0 && this.random() < p) {
      this.rejectedTotal++;
      if (this.throttled.active) {
        this.throttled.emit({ name: this.name, at: now, probability: p, requests, accepts });
      }
      return Promise.reject(ThrottledError.fast(this.name, p));
    }
    return invoke(fn, signal ?? NEVER_ABORTED).then(
      (value) => {
        this.counts.accept(bucket, this.clock.now());
        return value;
      },
      (error: unknown) => {
        if (this.accepted(error)) this.counts.accept(bucket, this.clock.now());
        throw error;
      },
    );
  }

  private accepted(error: unknown): boolean {
    try {
      return this.isAccepted(error);
    } catch (thrown) {
      // A classifier that throws must not turn the caller's error into another one.
      reportListenerError('adaptiveThrottle isAccepted', thrown);
      return false;
    }
  }

  private probabilityOf(requests: number, accepts: number): number {
    return Math.max(0, (requests - this.k * accepts) / (requests + 1));
  }
}

/**
 * Makes a client-side adaptive throttle (API.md "Adaptive protection"). It composes with
 * `wrap` and a breaker: `wrap(breaker, throttle)` sheds load early while the breaker decides
 * on outages; a throttled call is a refusal, which the breaker records as excluded.
 *
 * @example
 * const throttle = adaptiveThrottle({ name: 'payments', k: 2, window: 60_000 });
 * await throttle.execute(() => fetch(url));
 */
export function adaptiveThrottle(options?: AdaptiveThrottleOptions): AdaptiveThrottle {
  return new AdaptiveThrottle(options);
}
