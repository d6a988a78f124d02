import type { Clock } from '../core/clock.js';
import { checkOptions, clockOption, numberOption, quote } from './validate.js';

/** Options of {@link retryBudget}. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per call in the window, on top of the floor: 0.2 lets retries add at most
   * 20 % to the calls made (Finagle, Linkerd and Envoy use 0.2). Default 0.2.
   */
  ratio?: number;
  /**
   * A floor that lets a little-used client retry at all: this many retries per second of the
   * window are allowed whatever the ratio. Default 10.
   */
  minRetriesPerSecond?: number;
  /** Length of the sliding window, ms, kept in 10 buckets. Default 10000. */
  window?: number;
  /** The source of time. Default the system clock. */
  clock?: Clock;
}

/**
 * A retry budget shared by any number of retry policies: it bounds the load retries add when a
 * dependency is failing, so retries cannot multiply an outage (SRE book ch. 22; Finagle
 * `RetryBudget`). Holds no timer: the window moves when it is used.
 */
export interface RetryBudget {
  /** Records a call (a first attempt). Retry policies call it once per `execute`. */
  recordCall(): void;
  /**
   * Takes one retry from the budget if the window allows one more: retries + 1 <=
   * ratio * calls + minRetriesPerSecond * window / 1000. Returns whether it did.
   */
  tryRetry(): boolean;
  /** Calls recorded in the current window. */
  readonly calls: number;
  /** Retries taken in the current window. */
  readonly retries: number;
  /** Retries that `tryRetry` would grant now (whole retries, >= 0). */
  readonly available: number;
}

const BUCKETS = 10;
// Ratios like 0.57 times 100 land just below the whole number they mean.
const EPSILON = 1e-9;

function increment(counts: Float64Array, i: number): void {
  counts[i] = (counts[i] ?? 0) + 1;
}

class WindowedRetryBudget implements RetryBudget {
  private readonly ratio: number;
  private readonly floor: number;
  private readonly bucketMs: number;
  private readonly clock: Clock;
  // Bucket i holds the counts of epoch epochs[i], where epoch = floor(now / bucketMs).
  private readonly epochs = new Float64Array(BUCKETS).fill(-Infinity);
  private readonly callCounts = new Float64Array(BUCKETS);
  private readonly retryCounts = new Float64Array(BUCKETS);

  constructor(ratio: number, minRetriesPerSecond: number, window: number, clock: Clock) {
    this.ratio = ratio;
    this.floor = (minRetriesPerSecond * window) / 1000;
    this.bucketMs = window / BUCKETS;
    this.clock = clock;
  }

  recordCall(): void {
    increment(this.callCounts, this.bucket(this.epoch()));
  }

  tryRetry(): boolean {
    const epoch = this.epoch();
    if (this.sum(this.retryCounts, epoch) + 1 > this.limit(epoch) + EPSILON) return false;
    increment(this.retryCounts, this.bucket(epoch));
    return true;
  }

  get calls(): number {
    return this.sum(this.callCounts, this.epoch());
  }

  get retries(): number {
    return this.sum(this.retryCounts, this.epoch());
  }

  get available(): number {
    const epoch = this.epoch();
    return Math.max(0, Math.floor(this.limit(epoch) - this.sum(this.retryCounts, epoch) + EPSILON));
  }

  private limit(epoch: number): number {
    return this.ratio * this.sum(this.callCounts, epoch) + this.floor;
  }

  private epoch(): number {
    return Math.floor(this.clock.now() / this.bucketMs);
  }

  /** The index of `epoch`'s bucket, cleared first if it still holds an older epoch. */
  private bucket(epoch: number): number {
    const i = ((epoch % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.epochs[i] !== epoch) {
      this.epochs[i] = epoch;
      this.callCounts[i] = 0;
      this.retryCounts[i] = 0;
    }
    return i;
  }

  /** Sum of `counts` over the buckets of the last BUCKETS epochs up to `epoch`. */
  private sum(counts: Float64Array, epoch: number): number {
    let total = 0;
    this.epochs.forEach((e, i) => {
      if (e <= epoch && e > epoch - BUCKETS) total += counts[i] ?? 0;
    });
    return total;
  }
}

/**
 * Makes a {@link RetryBudget}: in any sliding `window`, retries are at most `ratio` times the
 * calls plus `minRetriesPerSecond * window / 1000`. Pass one budget to several retry policies to
 * bound their retries together (one per dependency is typical).
 *
 * @example
 * const budget = retryBudget({ ratio: 0.2, minRetriesPerSecond: 10 });
 * const policy = retry({ maxAttempts: 3, budget });
 */
export function retryBudget(options?: RetryBudgetOptions): RetryBudget {
  const label = 'retryBudget';
  const o = checkOptions(label, options, ['ratio', 'minRetriesPerSecond', 'window', 'clock']);
  const ratio = numberOption(label, 'ratio', o.ratio, 0.2, { min: 0 });
  const minRetriesPerSecond = numberOption(
    label,
    'minRetriesPerSecond',
    o.minRetriesPerSecond,
    10,
    { min: 0 },
  );
  const window = numberOption(label, 'window', o.window, 10_000, { min: BUCKETS });
  const clock = clockOption(label, o.clock);
  return new WindowedRetryBudget(ratio, minRetriesPerSecond, window, clock);
}

/** True for an object that can serve as a {@link RetryBudget}. */
export function isRetryBudget(value: unknown): value is RetryBudget {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<RetryBudget>).recordCall === 'function' &&
    typeof (value as Partial<RetryBudget>).tryRetry === 'function'
  );
}

/** Throws the TypeError for a bad `budget` option. */
export function badBudget(label: string, value: unknown): never {
  throw new TypeError(
    `${label} option budget must be a retryBudget() (or false for none), got ${quote(value)}`,
  );
}
