import type { Counts } from './types.js';

/** What a {@link TripRule} sees when asked whether to trip. */
export interface TripRuleContext {
  /** Clock time, ms. */
  readonly now: number;
  /** The current generation's counts (windowed when the breaker has a window). */
  readonly counts: Readonly<Counts>;
  /** Successes + failures, failures and slow calls in the window; `undefined` without a window. */
  readonly window: { calls: number; failures: number; slow: number } | undefined;
}

/**
 * A pluggable trip rule, OR-ed with the breaker's built-in rules (option `rules`). Every method is
 * called synchronously on the call path: keep it O(1). A method that throws is reported as a
 * `BreakwaterListenerError` warning and counts as "do not trip" / share 0.
 */
export interface TripRule {
  /** Shown as `rule` of the StateChangeEvent when this rule trips the breaker. */
  readonly name: string;
  /** Every success or failure recorded in closed state, before `shouldTrip`; `duration` in ms (NaN when not measured). */
  observe?(outcome: 'success' | 'failure', slow: boolean, duration: number, now: number): void;
  /** True trips closed -> open (reason `'tripped'`); called after every outcome recorded in closed state. */
  shouldTrip(context: TripRuleContext): boolean;
  /** Share of calls (0..1) to reject while closed, for partial opening. Default 0. */
  rejectionShare?(now: number): number;
}

/**
 * The one-sided standard normal quantile z of `confidence` (0 < c < 1): P(Z <= z) = c.
 * Acklam's rational approximation (relative error below 1.2e-9: far below what a trip rule needs).
 */
export function normalQuantile(confidence: number): number {
  const p = confidence;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ] as const;
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ] as const;
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ] as const;
  const d = [
    7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416,
  ] as const;
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/**
 * The one-sided Wilson score lower bound of a rate: `hits` of `n` trials, `z` the normal quantile
 * of the confidence. `(r + z²/2n - z·sqrt(r(1-r)/n + z²/4n²)) / (1 + z²/n)`; 0 when n is 0.
 */
export function wilsonLowerBound(hits: number, n: number, z: number): number {
  if (n <= 0) return 0;
  const r = hits / n;
  const z2 = z * z;
  const centre = r + z2 / (2 * n);
  const spread = z * Math.sqrt((r * (1 - r)) / n + z2 / (4 * n * n));
  return (centre - spread) / (1 + z2 / n);
}
