// Equivalent configurations of breakwater, cockatiel 3 and opossum 9 for core.bench.ts, and
// the probe subjects (heap, timers) that harness.ts runs in a child process. Importing this
// module has no side effects: the child imports it to find a subject by its export name.
import {
  ConsecutiveBreaker,
  SamplingBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout as cockatielTimeout,
  wrap,
} from 'cockatiel';
import Opossum from 'opossum';
import { CircuitBreaker } from '../src/index.js';

/**
 * Open -> half-open wait, every library (ms): an hour, so that breakers tripped before the
 * warm-up are still open when their case is timed, however slow the machine.
 */
export const OPEN_WAIT = 3_600_000;
/** Per-call timeout where one is configured (ms). No call comes near it. */
export const CALL_TIMEOUT = 1_000;
/** Time window: 10 s in 10 buckets of 1 s. */
export const WINDOW_MS = 10_000;
export const BUCKETS = 10;
/** Failure rate that trips the windowed breakers (percent). */
export const FAILURE_RATE = 50;
/** Calls the window must hold before the rate may trip it. */
export const MINIMUM_CALLS = 10;

/** The protected function: resolves at once and ignores any signal. */
export const ok = async (): Promise<number> => 1;
/** The same, but declares the signal parameter (breakwater then makes an AbortController). */
export const okWithSignal = async (_signal: AbortSignal): Promise<number> => 1;
/** Fails, to trip breakers open. */
export const boom = async (): Promise<number> => {
  throw new Error('boom');
};

/** What a caller gets from the hand-made non-throwing form of a peer. */
export type Settled = { ok: true; value: number } | { ok: false; error: unknown };
/** `.then` handlers that turn a peer's promise into a {@link Settled} (shared, not per call). */
export const toOk = (value: number): Settled => ({ ok: true, value });
export const toError = (error: unknown): Settled => ({ ok: false, error });

// --- breakwater ---------------------------------------------------------------------------

/** Default rule: trips when consecutive failures > 5 (i.e. on the 6th). */
export const breakwaterConsecutive = (): CircuitBreaker =>
  new CircuitBreaker({ timeout: OPEN_WAIT });

/** 10-bucket time window with a failure-rate threshold. */
export const breakwaterWindow = (): CircuitBreaker =>
  new CircuitBreaker({
    timeout: OPEN_WAIT,
    window: { kind: 'time', size: WINDOW_MS, buckets: BUCKETS },
    failureRateThreshold: FAILURE_RATE,
    minimumCalls: MINIMUM_CALLS,
  });

/** Default rule plus a per-call timeout. */
export const breakwaterTimeout = (): CircuitBreaker =>
  new CircuitBreaker({ timeout: OPEN_WAIT, callTimeout: CALL_TIMEOUT });

// --- cockatiel 3 --------------------------------------------------------------------------

/** ConsecutiveBreaker(n) opens on the n-th consecutive failure, so 6 matches "> 5". */
export const cockatielConsecutive = () =>
  circuitBreaker(handleAll, { halfOpenAfter: OPEN_WAIT, breaker: new ConsecutiveBreaker(6) });

/**
 * SamplingBreaker makes max(5, duration / 1 s) windows, so 10 s gives 10 buckets of 1 s.
 * `minimumRps` is calls per second over the duration: MINIMUM_CALLS calls per 10 s.
 */
export const cockatielWindow = () =>
  circuitBreaker(handleAll, {
    halfOpenAfter: OPEN_WAIT,
    breaker: new SamplingBreaker({
      threshold: FAILURE_RATE / 100,
      duration: WINDOW_MS,
      minimumRps: MINIMUM_CALLS / (WINDOW_MS / 1000),
    }),
  });

/** Breaker outside, timeout inside, so that timeouts count as breaker failures. */
export const cockatielTimeoutWrapped = (strategy = TimeoutStrategy.Cooperative) =>
  wrap(cockatielConsecutive(), cockatielTimeout(CALL_TIMEOUT, strategy));

// --- opossum 9 ----------------------------------------------------------------------------

/**
 * opossum has one rule, a failure percentage over a rolling window of buckets (it has no
 * consecutive-failures rule), so every opossum breaker here has that window. Latency
 * percentiles are off because the other two keep none; its per-call timeout is off (`false`)
 * unless `callTimeout` is given.
 */
export const opossum = (
  action: () => Promise<number>,
  callTimeout: number | false = false,
): Opossum<[], number> =>
  new Opossum(action, {
    timeout: callTimeout,
    resetTimeout: OPEN_WAIT,
    errorThresholdPercentage: FAILURE_RATE,
    volumeThreshold: MINIMUM_CALLS,
    rollingCountTimeout: WINDOW_MS,
    rollingCountBuckets: BUCKETS,
    rollingPercentilesEnabled: false,
  });

/**
 * An action whose outcome a flag decides, for the "open" cases: it fails while tripping the
 * breaker and succeeds afterwards (an open breaker never calls it anyway).
 */
export function switchable(): { action: () => Promise<number>; fail: (on: boolean) => void } {
  let failing = false;
  return {
    action: async () => {
      if (failing) throw new Error('boom');
      return 1;
    },
    fail: (on) => {
      failing = on;
    },
  };
}

// --- probe subjects (looked up by export name in probe-child.ts) ---------------------------

/** breakwater with the 10-bucket time window, after one recorded call. */
export const probeWindowBreakwater = async (): Promise<unknown> => {
  const b = breakwaterWindow();
  await b.execute(ok);
  return b;
};
/** cockatiel with the equivalent SamplingBreaker, after one recorded call. */
export const probeWindowCockatiel = async (): Promise<unknown> => {
  const p = cockatielWindow();
  await p.execute(ok);
  return p;
};
/** opossum with its rolling window (10 s, 10 buckets), after one recorded call. */
export const probeWindowOpossum = async (): Promise<unknown> => {
  const o = opossum(ok);
  await o.fire();
  return o;
};

/** breakwater as `new CircuitBreaker()`, never called. */
export const probeIdleBreakwater = (): unknown => new CircuitBreaker();
/** cockatiel has no default breaker: its simplest, a ConsecutiveBreaker, never called. */
export const probeIdleCockatiel = (): unknown =>
  circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
/** opossum as `new CircuitBreaker(fn)` with every default, never called. */
export const probeIdleOpossum = (): unknown => new Opossum(ok);

/** breakwater with callTimeout, after one call that settled well within it. */
export const probeTimeoutBreakwater = async (): Promise<unknown> => {
  const b = breakwaterTimeout();
  await b.execute(ok);
  return b;
};
/** cockatiel breaker wrapping a cooperative timeout, after one call. */
export const probeTimeoutCockatiel = async (): Promise<unknown> => {
  const p = cockatielTimeoutWrapped();
  await p.execute(ok);
  return p;
};
/** opossum with its per-call timeout, after one call. */
export const probeTimeoutOpossum = async (): Promise<unknown> => {
  const o = opossum(ok, CALL_TIMEOUT);
  await o.fire();
  return o;
};
