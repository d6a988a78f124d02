import type { BreakerOptions } from '../core/options.js';

/**
 * The options the tuner searches, each mapped from [0, 1]: a time window with a failure-rate
 * rule (which also covers "n failures in a row" as threshold 100 with `minimumCalls` n), the
 * open wait and the number of probes. Rates, sizes and waits are searched on a log scale.
 */
export interface Dimension {
  readonly key: 'failureRateThreshold' | 'windowSize' | 'minimumCalls' | 'timeout' | 'maxRequests';
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  /** Values are rounded to a multiple of this. */
  readonly step: number;
}

/** The search space, in the order of a point's coordinates. */
export const DIMENSIONS: readonly Dimension[] = [
  { key: 'failureRateThreshold', min: 5, max: 100, log: false, step: 1 },
  { key: 'windowSize', min: 1000, max: 120_000, log: true, step: 100 },
  { key: 'minimumCalls', min: 1, max: 200, log: true, step: 1 },
  { key: 'timeout', min: 500, max: 120_000, log: true, step: 100 },
  { key: 'maxRequests', min: 1, max: 20, log: true, step: 1 },
];

/** Buckets of the recommended time window. */
export const WINDOW_BUCKETS = 10;

/** A point of the space as breaker settings: plain JSON that `new CircuitBreaker()` accepts. */
export interface TunedOptions {
  window: { kind: 'time'; size: number; buckets: number };
  failureRateThreshold: number;
  minimumCalls: number;
  timeout: number;
  maxRequests: number;
  /** Kept from the current settings: the tuner does not choose callers' latency budgets. */
  callTimeout?: number;
}

function value(d: Dimension, u: number): number {
  const c = Math.min(1, Math.max(0, u));
  const raw = d.log
    ? Math.exp(Math.log(d.min) + c * (Math.log(d.max) - Math.log(d.min)))
    : d.min + c * (d.max - d.min);
  return Math.min(d.max, Math.max(d.min, Math.round(raw / d.step) * d.step));
}

function coordinate(d: Dimension, v: number): number {
  const c = Math.min(d.max, Math.max(d.min, v));
  return d.log
    ? (Math.log(c) - Math.log(d.min)) / (Math.log(d.max) - Math.log(d.min))
    : (c - d.min) / (d.max - d.min);
}

/** The settings at point `u` (one coordinate in [0, 1] per dimension). */
export function toOptions(u: readonly number[], callTimeout?: number): TunedOptions {
  const v = DIMENSIONS.map((d, i) => value(d, u[i] ?? 0.5));
  const [threshold = 50, size = 10_000, minimumCalls = 1, timeout = 60_000, maxRequests = 1] = v;
  return {
    window: { kind: 'time', size, buckets: WINDOW_BUCKETS },
    failureRateThreshold: threshold,
    minimumCalls,
    timeout,
    maxRequests,
    ...(callTimeout === undefined ? {} : { callTimeout }),
  };
}

/** The point of settings (the inverse of {@link toOptions} up to rounding). */
export function toPoint(options: TunedOptions): number[] {
  const values: Record<Dimension['key'], number> = {
    failureRateThreshold: options.failureRateThreshold,
    windowSize: options.window.size,
    minimumCalls: options.minimumCalls,
    timeout: options.timeout,
    maxRequests: options.maxRequests,
  };
  return DIMENSIONS.map((d) => coordinate(d, values[d.key]));
}

/** A stable text key of settings, to evaluate each distinct setting once. */
export function optionsKey(options: BreakerOptions | TunedOptions): string {
  return JSON.stringify(options);
}
