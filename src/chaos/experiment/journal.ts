import { nearestRank } from './checks.js';
import type { RunResult } from './runner.js';

/** One time bin of the load: requests sent in `[t, t + width)`. */
export interface LoadBin {
  t: number;
  sent: number;
  /** Share answered 2xx in time; null when none was sent. */
  successRate: number | null;
  /** p99 latency (ms, nearest rank); null when none was sent. */
  p99: number | null;
}

/** The load in bins of `width` ms. */
export function loadBins(result: RunResult, width = 250): LoadBin[] {
  const count = Math.ceil(result.experiment.load.duration / width);
  const bins = Array.from({ length: count }, (_, i) => ({
    t: i * width,
    list: [] as number[],
    ok: 0,
  }));
  for (const r of result.requests) {
    const bin = bins[Math.min(count - 1, Math.floor(r.sent / width))];
    if (!bin) continue;
    bin.list.push(r.latency);
    if (r.ok) bin.ok++;
  }
  return bins.map((b) => ({
    t: b.t,
    sent: b.list.length,
    successRate: b.list.length === 0 ? null : b.ok / b.list.length,
    p99: nearestRank(b.list, 0.99),
  }));
}

/**
 * The run as JSON: API.md's `{ title, passed, checks: [{ name, passed, measured, limit }] }`,
 * with more: when and how long it ran, whether it was interrupted, the steps as applied, every
 * gauge reading, the load in 250 ms bins, and the totals.
 */
export function toJournal(result: RunResult): Record<string, unknown> {
  const { experiment, requests } = result;
  return {
    title: experiment.title,
    passed: result.passed,
    interrupted: result.interrupted,
    startedAt: new Date(result.startedAt).toISOString(),
    checks: result.checks,
    totals: {
      requests: requests.length,
      ok: requests.filter((r) => r.ok).length,
      timedOut: requests.filter((r) => r.status === null).length,
      scrapes: result.samples.length,
      scrapeErrors: result.scrapeErrors,
    },
    steps: result.steps,
    samples: result.samples.map((s) => ({ t: Math.round(s.t), state: s.state })),
    load: loadBins(result),
    experiment,
  };
}
