import type { ResolvedOptions } from '../core/options.js';
import type { Counts } from '../core/types.js';
import type { BreakerRules } from './types.js';

/** Most failures in a row {@link consecutiveThreshold} looks for. */
const MOST_PROBED = 100;

/**
 * The failures in a row after which `readyToTrip` trips, read from the function itself (the
 * core's default, the manager's `consecutiveFailures: n`, or one of the user's): the smallest n
 * that trips it with n failures in a row among many successes, provided n - 1 does not. Else
 * (a rule on something else, a throw, none up to 100) undefined.
 */
export function consecutiveThreshold(readyToTrip: (counts: Counts) => boolean): number | undefined {
  const counts = (n: number): Counts => ({
    requests: 10_000,
    totalSuccesses: 10_000 - n,
    totalFailures: n,
    totalExclusions: 0,
    consecutiveSuccesses: 0,
    consecutiveFailures: n,
  });
  try {
    if (readyToTrip(counts(0))) return undefined;
    for (let n = 1; n <= MOST_PROBED; n++) if (readyToTrip(counts(n))) return n;
  } catch {
    // Not ours to report: the breaker reports it when it calls the rule.
  }
  return undefined;
}

// Settings objects are replaced, not changed, when a breaker is reconfigured.
const described = new WeakMap<object, BreakerRules>();

/** A duration for people: whole ms below a second, else seconds (`250ms`, `1.5s`). */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(2))}s`;
}

/** The thresholds a breaker runs with, and one phrase that says them (computed once per settings). */
export function describeRules(o: Readonly<ResolvedOptions>): BreakerRules {
  let rules = described.get(o);
  if (rules === undefined) {
    rules = describe(o);
    described.set(o, rules);
  }
  return rules;
}

function describe(o: Readonly<ResolvedOptions>): BreakerRules {
  const parts: string[] = [];
  if (o.failureRateThreshold !== undefined) parts.push(`${o.failureRateThreshold}% failures`);
  if (o.slowCallRateThreshold !== undefined && o.slowCallDuration !== undefined) {
    parts.push(`${o.slowCallRateThreshold}% slower than ${formatMs(o.slowCallDuration)}`);
  }
  const window = !o.window
    ? ''
    : o.window.kind === 'count'
      ? ` of the last ${o.window.size} calls`
      : ` in the last ${formatMs(o.window.size)}`;
  const inARow = o.readyToTrip === undefined ? undefined : consecutiveThreshold(o.readyToTrip);
  const trip =
    parts.length > 0
      ? `trips at ${parts.join(' or ')}${window}`
      : inARow !== undefined
        ? `trips after ${inARow} failure${inARow === 1 ? '' : 's'} in a row`
        : 'trips by its own rule';
  const timeout = typeof o.timeout === 'number' ? o.timeout : null;
  const open = timeout === null ? 'a growing wait' : formatMs(timeout);
  const probes = `${o.maxRequests} probe${o.maxRequests === 1 ? '' : 's'}`;
  return {
    failureRateThreshold: o.failureRateThreshold ?? null,
    slowCallRateThreshold: o.slowCallRateThreshold ?? null,
    slowCallDuration: o.slowCallDuration ?? null,
    minimumCalls: o.minimumCalls,
    maxRequests: o.maxRequests,
    timeout,
    callTimeout: o.callTimeout ?? null,
    summary: `${trip}; open ${open}, then ${probes}`,
  };
}
