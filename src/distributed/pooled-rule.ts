// The fleet's rule, computed from the store's reply: the pooled window must meet the breaker's
// own rule (threshold, minimumCalls), and a quorum of the reporting instances must each see
// their own rate at or above the threshold (shared/API.md "Fleet coordination").
import type { ResolvedOptions } from '../core/options.js';
import type { InstanceTotals } from './store.js';

/** The part of a breaker's settings the fleet pools. */
export interface PooledRule {
  /** Percent, or undefined when the breaker has no failure-rate rule. */
  readonly failureRateThreshold: number | undefined;
  /** Percent, or undefined when the breaker has no slow-call-rate rule. */
  readonly slowCallRateThreshold: number | undefined;
  readonly minimumCalls: number;
  /** The time window: total ms and buckets. */
  readonly window: { readonly size: number; readonly buckets: number };
}

/**
 * The pooled rule of a breaker, or undefined when it has nothing to pool (no time window, or no
 * rate threshold): such a breaker keeps to its local rules.
 */
export function pooledRuleOf(settings: Readonly<ResolvedOptions>): PooledRule | undefined {
  const w = settings.window;
  if (w?.kind !== 'time') return undefined;
  const { failureRateThreshold, slowCallRateThreshold, minimumCalls } = settings;
  if (failureRateThreshold === undefined && slowCallRateThreshold === undefined) return undefined;
  return {
    failureRateThreshold,
    slowCallRateThreshold,
    minimumCalls,
    window: { size: w.size, buckets: (w as { buckets: number }).buckets },
  };
}

/** What the fleet sees for one breaker. */
export interface FleetEvaluation {
  /** Successes + failures of every instance in the pooled window. */
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
  /** Instances with at least one call in the window. */
  readonly reporting: number;
  /** Reporting instances whose own rate is at or above a threshold. */
  readonly votes: number;
  /** The pooled window meets the breaker's rule. */
  readonly pooledTrips: boolean;
  /** The pooled rule holds and the quorum agrees: the fleet opens. */
  readonly open: boolean;
}

// Compared as products, as the core does, so a rate exactly at the threshold counts.
function meets(rule: PooledRule, calls: number, failures: number, slow: number): boolean {
  if (calls === 0) return false;
  const fr = rule.failureRateThreshold;
  const sr = rule.slowCallRateThreshold;
  return (
    (fr !== undefined && failures * 100 >= fr * calls) ||
    (sr !== undefined && slow * 100 >= sr * calls)
  );
}

/**
 * Evaluates the fleet's rule.
 * @param quorum share of reporting instances that must vote (strictly more than it), 0..1
 * @param minInstances least number of voting instances
 */
export function evaluateFleet(
  rule: PooledRule,
  instances: readonly InstanceTotals[],
  quorum: number,
  minInstances: number,
): FleetEvaluation {
  let calls = 0;
  let failures = 0;
  let slow = 0;
  let reporting = 0;
  let votes = 0;
  for (const i of instances) {
    if (i.calls <= 0) continue;
    calls += i.calls;
    failures += i.failures;
    slow += i.slow;
    reporting++;
    // An instance's vote is its rate over its own calls, whatever their number.
    if (meets(rule, i.calls, i.failures, i.slow)) votes++;
  }
  const pooledTrips = calls >= rule.minimumCalls && meets(rule, calls, failures, slow);
  const open = pooledTrips && votes > quorum * reporting && votes >= minInstances;
  return { calls, failures, slow, reporting, votes, pooledTrips, open };
}
