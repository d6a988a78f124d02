import { BulkheadRejectedError } from './errors.js';
import { invoke, NEVER_ABORTED, type CallOptions, type Policy, type Protected } from './policy.js';
import { checkOptions, numberOption, stringOption } from './validate.js';

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Calls that may run at once: an integer >= 1. Required. */
  limit: number;
  /**
   * Calls that may wait for a slot, first come first served: an integer >= 0 or Infinity.
   * Default 0 (no queue: a call that finds every slot taken is rejected at once).
   */
  queue?: number;
  /** Shown in `BulkheadRejectedError` (`breakerName`). Default `''`. */
  name?: string;
}

interface Waiter {
  start(): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** A bulkhead: a cap on concurrent calls with an optional bounded queue; made by {@link bulkhead}. */
export class BulkheadPolicy implements Policy {
  /** The `name` option. */
  readonly name: string;
  /** The `limit` option. */
  readonly limit: number;
  /** The `queue` option. */
  readonly queue: number;
  private active = 0;
  private readonly waiting: Waiter[] = [];

  /** @param options see {@link BulkheadOptions}; validated here. */
  constructor(options: BulkheadOptions) {
    const label = 'bulkhead';
    const o = checkOptions(label, options, ['limit', 'queue', 'name']);
    if (o.limit === undefined) throw new TypeError('bulkhead option limit is required');
    this.limit = numberOption(label, 'limit', o.limit, 1, { min: 1, integer: true });
    this.queue = numberOption(label, 'queue', o.queue, 0, {
      min: 0,
      integer: true,
      infinite: true,
    });
    this.name = stringOption(label, 'name', o.name, '');
  }

  /** Calls running now. */
  get executing(): number {
    return this.active;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Free slots now. */
  get available(): number {
    return this.limit - this.active;
  }

  /**
   * Runs `fn` in a free slot, or waits in the queue for one, or rejects at once with
   * {@link BulkheadRejectedError} when the queue is full too. A waiting call whose signal aborts
   * leaves the queue and rejects with the signal's reason. A running call keeps its slot until
   * `fn` settles, since its work goes on until then. Never throws.
   */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    if (this.active < this.limit) return this.run(fn, signal);
    if (this.waiting.length >= this.queue) {
      return Promise.reject(BulkheadRejectedError.fast(this.name, this.limit, this.queue));
    }
    return new Promise<Awaited<T>>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        start: () => {
          this.run(fn, signal).then(resolve, reject);
        },
        onAbort: () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal?.reason);
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  private run<T>(fn: Protected<T>, signal: AbortSignal | undefined): Promise<Awaited<T>> {
    this.active++;
    return invoke(fn, signal ?? NEVER_ABORTED).then(
      (value) => {
        this.release();
        return value;
      },
      (error: unknown) => {
        this.release();
        throw error;
      },
    );
  }

  private release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (!next) return;
    next.signal?.removeEventListener('abort', next.onAbort);
    next.start();
  }
}

/**
 * Makes a bulkhead: at most `limit` calls run at once, at most `queue` more wait. Its
 * rejection ({@link BulkheadRejectedError}, code `ERR_BULKHEAD_FULL`) is not a failure of the
 * dependency: inside `wrap(breaker, bulkhead)` the breaker records it as excluded.
 *
 * @example const pool = bulkhead({ limit: 10, queue: 50 });
 */
export function bulkhead(options: BulkheadOptions): BulkheadPolicy {
  return new BulkheadPolicy(options);
}
