import { CircuitBreaker } from '../core/circuit-breaker.js';
import type { BreakerOptions } from '../core/options.js';
import type { CircuitState } from '../core/types.js';
import { ManualClock } from '../testing/manual-clock.js';
import { findOutages, type Outage } from './outages.js';
import { OUTCOME, type ServiceTrace } from './trace.js';

/** A change of state during a replay. */
export interface StateMark {
  /** ms, trace time */
  readonly at: number;
  readonly to: CircuitState;
}

/**
 * What one configuration costs on one service's trace. `cost` is API.md's: `lostGoodput +
 * leakedFailures + cutSuccesses`; the rest are reported beside it.
 */
export interface ReplayResult {
  readonly cost: number;
  /** Calls rejected whose recorded outcome was success. */
  readonly lostGoodput: number;
  /** Calls let through whose recorded outcome was failure (cut by `callTimeout` or not). */
  readonly leakedFailures: number;
  /** Calls cut by `callTimeout` whose recorded outcome was success. */
  readonly cutSuccesses: number;
  readonly admitted: number;
  readonly rejected: number;
  /** ms callers spent waiting on calls that failed or were cut (Shopify's wasted worker time). */
  readonly wastedWaitMs: number;
  /**
   * Mean ms from an outage's start to the breaker opening, an outage it never opened in counting
   * its whole length; `null` when the trace has no outage.
   */
  readonly detectMs: number | null;
  /** Mean ms from an outage's end until the breaker is closed again; `null` without outages. */
  readonly recoverMs: number | null;
  /** Opens (closed -> open) outside every outage: false trips. */
  readonly flaps: number;
  /** Every closed -> open. */
  readonly opens: number;
  /** Calls admitted in half-open: the load the breaker's probing puts on the dependency. */
  readonly probes: number;
  readonly outages: readonly Outage[];
  /** State changes (only with `timeline: true`). */
  readonly timeline: readonly StateMark[];
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Keep every state change in `timeline`. Default false. */
  readonly timeline?: boolean;
}

// Completion order per (trace, callTimeout): the same for every other setting, so it is sorted
// once and shared by every evaluation of a search.
const orders = new WeakMap<ServiceTrace, Map<number, { ends: Float64Array; order: Uint32Array }>>();

function completions(
  trace: ServiceTrace,
  callTimeout: number,
): { ends: Float64Array; order: Uint32Array } {
  let byTimeout = orders.get(trace);
  if (!byTimeout)
    orders.set(trace, (byTimeout = new Map<number, { ends: Float64Array; order: Uint32Array }>()));
  const hit = byTimeout.get(callTimeout);
  if (hit) return hit;
  const n = trace.times.length;
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ends[i] = (trace.times[i] ?? 0) + Math.min(trace.durations[i] ?? 0, callTimeout);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (ends[a] ?? 0) - (ends[b] ?? 0) || a - b);
  const entry = { ends, order };
  byTimeout.set(callTimeout, entry);
  return entry;
}

/**
 * Replays one service's trace through a real `CircuitBreaker` built with `options` on a
 * `ManualClock`, per API.md: each call is admitted or rejected at its `time` and its recorded
 * outcome is reported at `time + duration` (a call longer than `callTimeout` as a failure at
 * `time + callTimeout`); at equal times outcomes are reported before calls are admitted; the
 * breaker is created at the service's first call.
 *
 * Counterfactual assumption: a call the replay rejects would have had its recorded outcome, and
 * what the breaker lets through does not change the dependency (no feedback: shedding load
 * does not make it recover sooner, probes do not slow it down).
 *
 * Deterministic: the same trace and options give the same result. `options.clock` and
 * `options.name` are replaced.
 */
export function replay(
  trace: ServiceTrace,
  options: BreakerOptions,
  replayOptions: ReplayOptions = {},
): ReplayResult {
  const { times, durations, outcomes } = trace;
  const n = times.length;
  const callTimeout =
    options.callTimeout !== undefined && options.callTimeout > 0 ? options.callTimeout : Infinity;
  const { ends, order } = completions(trace, callTimeout);
  const clock = new ManualClock(n > 0 ? (times[0] ?? 0) : 0);
  // The breaker never sees callTimeout: the replay cuts calls itself (allow() has no timer), so
  // that a cut is reported at exactly time + callTimeout.
  const { callTimeout: _cut, ...rest } = options;
  const breaker = new CircuitBreaker({ ...rest, name: trace.service, clock });
  const outages = findOutages(trace);
  const keep = replayOptions.timeline === true;
  const timeline: StateMark[] = keep ? [{ at: n > 0 ? (times[0] ?? 0) : 0, to: 'closed' }] : [];
  const opensAt: number[] = [];
  const closesAt: number[] = [];
  const now: { state: CircuitState } = { state: 'closed' };
  breaker.onTransition((e) => {
    now.state = e.to;
    if (e.to === 'open' && e.from === 'closed') opensAt.push(e.at);
    if (e.to === 'closed') closesAt.push(e.at);
    if (keep) timeline.push({ at: e.at, to: e.to });
  });

  const dones: (Done | undefined)[] = new Array<Done | undefined>(n);
  let lostGoodput = 0;
  let leaked = 0;
  let cutSuccesses = 0;
  let admitted = 0;
  let probes = 0;
  let wasted = 0;
  let j = 0;

  const finish = (k: number): void => {
    const done = dones[k];
    if (done === undefined) return;
    dones[k] = undefined;
    clock.set(ends[k] ?? 0);
    const outcome = outcomes[k];
    if ((durations[k] ?? 0) > callTimeout) {
      if (outcome === OUTCOME.success) cutSuccesses++;
      else if (outcome === OUTCOME.failure) leaked++;
      wasted += callTimeout;
      done(false);
    } else if (outcome === OUTCOME.success) {
      done(true);
    } else if (outcome === OUTCOME.failure) {
      leaked++;
      wasted += durations[k] ?? 0;
      done(false);
    } else {
      done('excluded');
    }
  };

  for (let i = 0; i < n; i++) {
    const t = times[i] ?? 0;
    while (j < n) {
      const k = order[j] ?? 0;
      if ((ends[k] ?? 0) > t || k >= i) break;
      finish(k);
      j++;
    }
    clock.set(t);
    // Asking the breaker first spares building a rejection error per call while it is open
    // (the breaker's own answer either way: reading `state` applies elapsed time as allow() does).
    if (breaker.state === 'open') {
      if (outcomes[i] === OUTCOME.success) lostGoodput++;
      continue;
    }
    const done = tryAllow(breaker);
    if (done === undefined) {
      if (outcomes[i] === OUTCOME.success) lostGoodput++;
    } else {
      dones[i] = done;
      admitted++;
      if (now.state === 'half-open') probes++;
    }
  }
  for (; j < n; j++) finish(order[j] ?? 0);

  const { detectMs, recoverMs, flaps } = judge(
    outages,
    opensAt,
    closesAt,
    n > 0 ? (times[n - 1] ?? 0) : 0,
  );
  return {
    cost: lostGoodput + leaked + cutSuccesses,
    lostGoodput,
    leakedFailures: leaked,
    cutSuccesses,
    admitted,
    rejected: n - admitted,
    wastedWaitMs: wasted,
    detectMs,
    recoverMs,
    flaps,
    opens: opensAt.length,
    probes,
    outages,
    timeline,
  };
}

type Done = (outcome: boolean | 'excluded') => void;

// Kept out of the replay loop so that the loop itself has no try/catch to deoptimise.
function tryAllow(breaker: CircuitBreaker): Done | undefined {
  try {
    return breaker.allow();
  } catch {
    return undefined;
  }
}

function judge(
  outages: readonly Outage[],
  opensAt: readonly number[],
  closesAt: readonly number[],
  last: number,
): { detectMs: number | null; recoverMs: number | null; flaps: number } {
  // Opens are in time order; closes too. An open counts for the outage it falls in, or within one
  // second after it (the last failures of an outage still arrive then).
  const grace = 1000;
  let flaps = 0;
  for (const at of opensAt) {
    if (!outages.some((o) => at >= o.start && at <= o.end + grace)) flaps++;
  }
  if (outages.length === 0) return { detectMs: null, recoverMs: null, flaps };
  let detect = 0;
  let recover = 0;
  for (const o of outages) {
    const open = opensAt.find((at) => at >= o.start && at <= o.end + grace);
    detect += open === undefined ? o.end - o.start : open - o.start;
    // Closed at the end unless an open came before the end and no close followed it.
    const lastOpen = [...opensAt].reverse().find((at) => at <= o.end);
    const closedBefore = [...closesAt].reverse().find((at) => at <= o.end);
    const openAtEnd =
      lastOpen !== undefined && (closedBefore === undefined || closedBefore < lastOpen);
    if (openAtEnd) {
      const close = closesAt.find((at) => at > o.end);
      recover += close === undefined ? Math.max(0, last - o.end) : close - o.end;
    }
  }
  return { detectMs: detect / outages.length, recoverMs: recover / outages.length, flaps };
}
