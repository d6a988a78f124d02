import { findOutages } from './outages.js';
import { OUTCOME, type ServiceTrace } from './trace.js';

/** What the predictor knows of a service: read off its trace, no search needed. */
export interface Descriptors {
  /** Calls per second. */
  readonly rate: number;
  /** Latency percentiles of all calls, ms (nearest rank). */
  readonly p50: number;
  readonly p99: number;
  /** Failure share outside outages (0..1). */
  readonly baselineErrorRate: number;
  /** Mean outage length in ms (0 without outages). */
  readonly outageLength: number;
  /** Outages per hour. */
  readonly outagesPerHour: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/** The descriptors of one service's trace. */
export function describeService(trace: ServiceTrace): Descriptors {
  const { times, outcomes } = trace;
  const n = times.length;
  const span = Math.max(1000, (times[n - 1] ?? 0) - (times[0] ?? 0));
  const sorted = Float64Array.from(trace.durations).sort();
  const outages = findOutages(trace);
  let judged = 0;
  let failed = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i] ?? 0;
    while (k < outages.length && (outages[k]?.end ?? 0) <= t) k++;
    const inside = k < outages.length && (outages[k]?.start ?? Infinity) <= t;
    const o = outcomes[i];
    if (inside || o === OUTCOME.excluded) continue;
    judged++;
    if (o === OUTCOME.failure) failed++;
  }
  const total = outages.reduce((a, o) => a + (o.end - o.start), 0);
  return {
    rate: (n * 1000) / span,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    baselineErrorRate: judged > 0 ? failed / judged : 0,
    outageLength: outages.length > 0 ? total / outages.length : 0,
    outagesPerHour: (outages.length * 3_600_000) / span,
  };
}

/** The model's inputs: descriptors on log scales, where settings scale with them. */
export function features(d: Descriptors): number[] {
  return [
    Math.log(Math.max(0.01, d.rate)),
    Math.log(Math.max(0.1, d.p50)),
    Math.log(Math.max(0.1, d.p99)),
    Math.log(d.baselineErrorRate + 0.001),
    Math.log1p(d.outageLength / 1000),
    Math.log1p(d.outagesPerHour),
  ];
}
