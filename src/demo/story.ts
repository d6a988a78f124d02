import type { BreakerOptions } from '../core/options.js';

/** Length of the scripted story at speed 1, in ms. Longer runs play it again from the start. */
export const STORY_LENGTH = 25_000;

/** How a simulated dependency behaves during one part of the story. */
export interface Phase {
  /** Story time (ms from the start of the story) at which this phase begins. */
  readonly from: number;
  /** Shown to people: `'healthy'`, `'failing'`, `'slow'`, `'recovered'`. */
  readonly name: string;
  /** False while the dependency is in trouble; calls a breaker rejects then count as spared. */
  readonly healthy: boolean;
  /** Probability (0..1) that a call fails with an error once its latency has passed. */
  readonly errorRate: number;
  /** Probability (0..1) that a call hangs for {@link HANG_LATENCY}, past any call timeout. */
  readonly hangRate: number;
  /** Latency of calls that do not hang: uniform in [min, max] story ms. */
  readonly latency: readonly [min: number, max: number];
}

/** How long a hanging call takes, in story ms: far longer than the breakers' callTimeout. */
export const HANG_LATENCY = 5_000;

/** One dependency of the story and the breaker in front of it. */
export interface ServiceScript {
  /** The dependency's and its breaker's name. */
  readonly name: string;
  /**
   * How the demo's gateway reaches it: over HTTP on a loopback port, or by a direct call.
   * Default `'in-process'`. A plain `Scenario` calls every dependency directly.
   */
  readonly reach?: 'http' | 'in-process';
  /**
   * Set for a dependency someone else runs: how the demo's first line names it (`'a flaky
   * third-party API'`). The others are counted as "simulated dependencies".
   */
  readonly thirdParty?: string;
  /** Phases in order of `from`; the first starts at 0. */
  readonly phases: readonly Phase[];
  /**
   * The breaker's options for a story played `speed` times faster: every duration is divided
   * by `speed` so the breaker reacts at the same point of the story at any speed.
   */
  breaker(speed: number): BreakerOptions;
}

const healthy = (from: number, name = 'healthy'): Phase => ({
  from,
  name,
  healthy: true,
  errorRate: 0.02,
  hangRate: 0,
  latency: [20, 60],
});

/**
 * `payments`: healthy for 6 s, then failing for 8 s (70 % of calls error out, 30 % hang until the
 * breaker's 1 s call timeout), then recovered. Its breaker trips on a failure rate of 50 % over
 * the last 20 calls and stays open for 2 s before letting 3 probes through.
 */
export const payments: ServiceScript = {
  name: 'payments',
  reach: 'http',
  phases: [
    healthy(0),
    {
      from: 6_000,
      name: 'failing',
      healthy: false,
      errorRate: 0.7,
      hangRate: 0.3,
      latency: [30, 120],
    },
    healthy(14_000, 'recovered'),
  ],
  breaker: (speed) => ({
    window: { kind: 'count', size: 20 },
    failureRateThreshold: 50,
    minimumCalls: 10,
    timeout: 2_000 / speed,
    maxRequests: 3,
    callTimeout: 1_000 / speed,
  }),
};

/**
 * `inventory`: healthy for 10 s, then slow for 7 s (calls succeed but take 600-900 ms), then
 * recovered. Its breaker watches the last 5 s and trips when half the calls are slower than
 * 400 ms (or fail); a slow probe sends it back to open.
 */
export const inventory: ServiceScript = {
  name: 'inventory',
  phases: [
    { ...healthy(0), latency: [10, 40] },
    {
      from: 10_000,
      name: 'slow',
      healthy: false,
      errorRate: 0.02,
      hangRate: 0,
      latency: [600, 900],
    },
    { ...healthy(17_000, 'recovered'), latency: [10, 40] },
  ],
  breaker: (speed) => {
    // A time window's size must be a whole number of buckets of whole milliseconds.
    const bucket = Math.max(1, Math.round(500 / speed));
    return {
      window: { kind: 'time', size: bucket * 10, buckets: 10 },
      failureRateThreshold: 50,
      slowCallDuration: 400 / speed,
      slowCallRateThreshold: 50,
      minimumCalls: 10,
      timeout: 2_000 / speed,
      maxRequests: 3,
      callTimeout: 1_500 / speed,
    };
  },
};

const flaky = (from: number): Phase => ({
  from,
  name: 'flaky',
  healthy: true,
  errorRate: 0.06,
  hangRate: 0.01,
  latency: [60, 250],
});

/**
 * `shipping`: a third-party carrier API, reached over HTTP, that is never quite well: 6 % of
 * calls fail and 1 % hang (past its 1.5 s call timeout) while latencies spread from 60 to
 * 250 ms. From 19 s to 22 s it is down (every call fails fast with 503). Its breaker keeps the
 * default rule (more than 5 failures in a row), so the flakiness alone does not trip it; the
 * outage does, within a few calls. Open 1.5 s, then 1 probe.
 */
export const shipping: ServiceScript = {
  name: 'shipping',
  reach: 'http',
  thirdParty: 'a flaky third-party API',
  phases: [
    flaky(0),
    { from: 19_000, name: 'down', healthy: false, errorRate: 1, hangRate: 0, latency: [5, 20] },
    flaky(22_000),
  ],
  breaker: (speed) => ({
    timeout: 1_500 / speed,
    callTimeout: 1_500 / speed,
  }),
};

/** The two in-process services of the scripted scenario: what a plain `Scenario` plays. */
export const defaultStory: readonly ServiceScript[] = [payments, inventory];

/**
 * The services behind `breakwater demo`'s gateway: `payments` and `shipping` over HTTP on
 * loopback ports, `inventory` in process.
 */
export const gatewayStory: readonly ServiceScript[] = [payments, inventory, shipping];

/**
 * The phase a service is in at `storyTime` (ms). The story repeats every {@link STORY_LENGTH};
 * the instant a repetition ends still belongs to it, so a run exactly one story long ends in
 * the story's last phase.
 */
export function phaseAt(phases: readonly Phase[], storyTime: number): Phase {
  const t =
    storyTime > 0 && storyTime % STORY_LENGTH === 0 ? STORY_LENGTH : storyTime % STORY_LENGTH;
  let current = phases[0];
  if (!current) throw new RangeError('a service script needs at least one phase');
  for (const phase of phases) if (phase.from <= t) current = phase;
  return current;
}
