import type { RequestRecord } from './load.js';
import type { StateSample } from './scrape.js';
import type { Experiment } from './schema.js';

/** One check of the verdict. `measured` is null for what never happened. */
export interface Check {
  name: string;
  passed: boolean;
  measured: number | null;
  limit: number;
  /** What the numbers mean, for people: `ms from the first fault to the gauge reading open`. */
  detail: string;
}

/** A span of time in ms from the start of the load; `to` is Infinity while it lasts. */
export interface Span {
  from: number;
  to: number;
}

/** The p-quantile by nearest rank (p in (0, 1]); null for no values. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

/** The state the gauge last read at time `t` (`unknown` before the first reading). */
export function stateAt(samples: readonly StateSample[], t: number): string {
  let state = 'unknown';
  for (const s of samples) {
    if (s.t > t) break;
    state = s.state;
  }
  return state;
}

/** First reading of `state` at or after `t`. */
function firstReading(samples: readonly StateSample[], state: string, t: number): number | null {
  return samples.find((s) => s.t >= t && s.state === state)?.t ?? null;
}

/** Times the gauge turned to open (from any other reading). */
export function openings(samples: readonly StateSample[]): number[] {
  const out: number[] = [];
  let before = 'unknown';
  for (const s of samples) {
    if (s.state === 'open' && before !== 'open') out.push(s.t);
    if (s.state !== 'unknown') before = s.state;
  }
  return out;
}

/**
 * Fault phases, per proxy: from a fault step (a toxic, `enabled: false`) until the gauge reads
 * closed after that proxy's next clear (`clear: true` or `enabled: true`); Infinity when it
 * never does.
 */
export function faultPhases(experiment: Experiment, samples: readonly StateSample[]): Span[] {
  const spans: Span[] = [];
  const open = new Map<string, number>();
  for (const step of experiment.method) {
    const clears = step.action === 'clear' || (step.action === 'enabled' && step.enabled);
    if (!clears) {
      if (!open.has(step.proxy)) open.set(step.proxy, step.at);
      continue;
    }
    const from = open.get(step.proxy);
    if (from === undefined) continue;
    open.delete(step.proxy);
    spans.push({ from, to: firstReading(samples, 'closed', step.at) ?? Infinity });
  }
  for (const from of open.values()) spans.push({ from, to: Infinity });
  return spans.sort((a, b) => a.from - b.from);
}

/** Every check of the experiment's hypothesis and assertions, from what the run recorded. */
export function evaluate(
  experiment: Experiment,
  samples: readonly StateSample[],
  requests: readonly RequestRecord[],
): Check[] {
  const faults = experiment.method.filter(
    (s) => s.action === 'toxic' || (s.action === 'enabled' && !s.enabled),
  );
  const clears = experiment.method.filter(
    (s) => s.action === 'clear' || (s.action === 'enabled' && s.enabled),
  );
  const firstFault = faults[0]?.at ?? null;
  const lastClear = clears.length > 0 ? Math.max(...clears.map((s) => s.at)) : null;
  const closedAgain = lastClear === null ? null : firstReading(samples, 'closed', lastClear);
  const checks: Check[] = [];
  const rate = (list: readonly RequestRecord[]): number | null =>
    list.length === 0 ? null : list.filter((r) => r.ok).length / list.length;
  const { successRate } = experiment.hypothesis;
  // Steady state before: the requests that settled before the first fault (one in flight when
  // it starts is the fault's, not the steady state's).
  const before = rate(
    requests.filter((r) => firstFault === null || r.sent + r.latency <= firstFault),
  );
  checks.push({
    name: 'hypothesis.successRate.before',
    passed: before !== null && before >= successRate,
    measured: before,
    limit: successRate,
    detail: 'share of requests answered 2xx in time, of those that settled before the first fault',
  });
  if (firstFault !== null) {
    const after = closedAgain === null ? null : rate(requests.filter((r) => r.sent >= closedAgain));
    checks.push({
      name: 'hypothesis.successRate.after',
      passed: after !== null && after >= successRate,
      measured: after,
      limit: successRate,
      detail: 'share of requests answered 2xx in time, once the breaker read closed again',
    });
  }
  const a = experiment.assertions;
  if (a.opensWithin !== undefined) {
    const opened = firstFault === null ? null : firstReading(samples, 'open', firstFault);
    const measured = opened === null || firstFault === null ? null : opened - firstFault;
    checks.push({
      name: 'opensWithin',
      passed: measured !== null && measured <= a.opensWithin,
      measured,
      limit: a.opensWithin,
      detail: 'ms from the first fault to the gauge reading open',
    });
  }
  if (a.closesWithin !== undefined) {
    const measured = closedAgain === null || lastClear === null ? null : closedAgain - lastClear;
    checks.push({
      name: 'closesWithin',
      passed: measured !== null && measured <= a.closesWithin,
      measured,
      limit: a.closesWithin,
      detail: 'ms from the last clear to the gauge reading closed',
    });
  }
  const whileOpen = requests.filter((r) => stateAt(samples, r.sent) === 'open');
  if (a.p99WhileOpen !== undefined) {
    const measured = nearestRank(
      whileOpen.map((r) => r.latency),
      0.99,
    );
    checks.push({
      name: 'p99WhileOpen',
      passed: measured !== null && measured <= a.p99WhileOpen,
      measured,
      limit: a.p99WhileOpen,
      detail: `p99 latency (ms, nearest rank) of the ${whileOpen.length} requests sent while the gauge last read open`,
    });
  }
  if (a.maxFailedWhileOpen !== undefined) {
    const failed = whileOpen.filter((r) => !r.ok).length;
    checks.push({
      name: 'maxFailedWhileOpen',
      passed: failed <= a.maxFailedWhileOpen,
      measured: failed,
      limit: a.maxFailedWhileOpen,
      detail:
        'requests that failed or timed out while the gauge read open (a fallback should answer them)',
    });
  }
  if (a.falseOpens !== undefined) {
    const phases = faultPhases(experiment, samples);
    const outside = openings(samples).filter((t) => !phases.some((p) => t >= p.from && t <= p.to));
    checks.push({
      name: 'falseOpens',
      passed: outside.length <= a.falseOpens,
      measured: outside.length,
      limit: a.falseOpens,
      detail: 'times the breaker opened outside every fault phase',
    });
  }
  return checks;
}
