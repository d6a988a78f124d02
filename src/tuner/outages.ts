import { OUTCOME, type ServiceTrace } from './trace.js';

/** A stretch of a trace in which the dependency was failing (ground truth from the outcomes). */
export interface Outage {
  /** ms, same time base as the trace */
  readonly start: number;
  readonly end: number;
}

/** How outages are read off a trace. */
export interface OutageOptions {
  /** Bin width in ms. Default 1000. */
  readonly bin?: number;
  /** A bin is unhealthy when failures / (successes + failures) >= this. Default 0.5. */
  readonly failureShare?: number;
  /** Fewest outcomes in a bin for it to be judged. Default 3. */
  readonly minCalls?: number;
  /** Healthy bins allowed inside one outage (so a flicker does not split it). Default 2. */
  readonly gap?: number;
}

const cache = new WeakMap<ServiceTrace, readonly Outage[]>();

/**
 * The outages of a service's trace: runs of bins (by call start time) where at least
 * `failureShare` of the judged calls failed. These are the reference for time to detect, time
 * to recover and flaps: the replay knows no more about the dependency than its outcomes.
 * Cached per trace for the default options.
 */
export function findOutages(trace: ServiceTrace, options: OutageOptions = {}): readonly Outage[] {
  const defaults = Object.keys(options).length === 0;
  if (defaults) {
    const hit = cache.get(trace);
    if (hit) return hit;
  }
  const bin = options.bin ?? 1000;
  const share = options.failureShare ?? 0.5;
  const minCalls = options.minCalls ?? 3;
  const gap = options.gap ?? 2;
  const { times, outcomes } = trace;
  const outages: Outage[] = [];
  if (times.length > 0) {
    const origin = times[0] ?? 0;
    const bins = Math.floor(((times[times.length - 1] ?? 0) - origin) / bin) + 1;
    const fails = new Uint32Array(bins);
    const judged = new Uint32Array(bins);
    for (let i = 0; i < times.length; i++) {
      const b = Math.floor(((times[i] ?? 0) - origin) / bin);
      const o = outcomes[i];
      if (o === OUTCOME.excluded) continue;
      judged[b] = (judged[b] ?? 0) + 1;
      if (o === OUTCOME.failure) fails[b] = (fails[b] ?? 0) + 1;
    }
    let runStart = -1;
    let lastBad = -1;
    for (let b = 0; b <= bins; b++) {
      const bad =
        b < bins && (judged[b] ?? 0) >= minCalls && (fails[b] ?? 0) >= share * (judged[b] ?? 0);
      if (bad) {
        if (runStart < 0 || b - lastBad - 1 > gap) {
          if (runStart >= 0) outages.push(span(origin, bin, runStart, lastBad));
          runStart = b;
        }
        lastBad = b;
      }
    }
    if (runStart >= 0) outages.push(span(origin, bin, runStart, lastBad));
  }
  if (defaults) cache.set(trace, outages);
  return outages;
}

function span(origin: number, bin: number, first: number, last: number): Outage {
  return { start: origin + first * bin, end: origin + (last + 1) * bin };
}
