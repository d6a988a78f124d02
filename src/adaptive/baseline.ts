import { Emitter } from '../core/emitter.js';
import {
  normalQuantile,
  wilsonLowerBound,
  type TripRule,
  type TripRuleContext,
} from '../core/rules.js';
import type { Disposer } from '../core/types.js';
import { checkOptions, numberOption, stringOption } from '../policies/validate.js';
import { ShareController } from './share-controller.js';

/** Options of {@link baselineRule}. Rates are shares (0..1), durations ms. */
export interface BaselineRuleOptions {
  /** The rule's name, shown as `rule` of the breaker's StateChangeEvent. Default `'baseline'`. */
  name?: string;
  /**
   * Time constant of the learned baseline, ms (> 0): outcomes weigh `exp(-age / horizon)`, so
   * the baseline follows a lasting change of the normal rate within about one horizon.
   * Default 600 000 (10 min).
   */
  horizon?: number;
  /** The baseline before anything was learned (0..1). Default 0.05. */
  initialBaseline?: number;
  /** How many calls the initial baseline weighs (>= 0). Default 20. */
  priorCalls?: number;
  /** The baseline never learns above this (0..1): a dependency failing more is not "normal". Default 0.5. */
  maxBaseline?: number;
  /**
   * Trip when the bound of the recent rate exceeds baseline + margin (0..1). Default 0.2: a
   * dependency that normally fails 0.5 % trips once it fails about a fifth of its calls.
   */
  margin?: number;
  /**
   * Confidence of the one-sided Wilson lower bound of the recent rate (0 < c < 1). Several
   * recent stretches are tested at once, so it is set high. Default 0.9999: with the default
   * margin, four failures in a row trip a dependency that normally fails 0.5 %, six one that
   * normally fails 10 %.
   */
  confidence?: number;
  /** The recent stretches tested are the last 3, 4, 5, 6, 8, 12, ... calls, up to this many (integer 3..1024). Default 128. */
  recentCalls?: number;
  /** Outcomes older than this (ms) are not recent. Default 60 000. */
  recentWindow?: number;
  /**
   * Calls to let go by (rejected) before the first probe, for {@link BaselineRule.openWait}
   * (number >= 1). Default 8.
   */
  probeCalls?: number;
  /** Factor applied to `probeCalls` for every further open in a row (>= 1). Default 1.5. */
  probeGrowth?: number;
  /** Shortest open wait of {@link BaselineRule.openWait}, ms. Default 500. */
  minWait?: number;
  /** Longest open wait of {@link BaselineRule.openWait}, ms. Default 60 000. */
  maxWait?: number;
  /**
   * Partial opening: while closed, reject a share of calls that grows while the recent rate
   * stays above baseline + margin (a PI controller, as Shopify Semian's adaptive breaker),
   * before the bound trips the breaker fully. Default false.
   */
  partial?: boolean;
}

/** Delivered to `onUpdate` listeners after every outcome the rule observes. */
export interface BaselineUpdate {
  name: string;
  /** Clock time, ms. */
  at: number;
  /** The learned normal failure rate (0..1). */
  baseline: number;
  /** The highest lower bound over the recent stretches (0..1). */
  bound: number;
  /** baseline + margin: the bound above which the rule trips. */
  threshold: number;
  /** The learned normal duration of a successful call, ms (NaN before any). */
  latency: number;
  /** The share of calls rejected while closed (0 without `partial`). */
  share: number;
}

const KNOWN = [
  'name',
  'horizon',
  'initialBaseline',
  'priorCalls',
  'maxBaseline',
  'margin',
  'confidence',
  'recentCalls',
  'recentWindow',
  'partial',
  'probeCalls',
  'probeGrowth',
  'minWait',
  'maxWait',
] as const;

/** Time constant of the traffic-rate estimate, ms. */
const RATE_HORIZON = 60_000;

/** Stretch lengths tested: 3, 4, 5, 6, 8, 12, 16, 24, ... up to `max`. */
function stretches(max: number): number[] {
  const out = [3, 4, 5, 6].filter((n) => n <= max);
  for (let n = 8; n <= max; n *= 2) out.push(n, Math.floor(n * 1.5));
  const lengths = out.filter((n) => n <= max);
  if (lengths.at(-1) !== max) lengths.push(max);
  return lengths;
}

/**
 * A trip rule relative to the dependency's own normal: made by {@link baselineRule}. It learns
 * the normal failure rate (and the normal latency of successes) with exponential smoothing over
 * a long horizon, and trips when the Wilson lower bound of the recent failure rate exceeds the
 * baseline by `margin`. The recent rate is tested over several stretches (the last 3, 4, 5, 6,
 * 8, 12, ... calls), so a clear outage trips after a few calls at any traffic, while ordinary noise
 * does not: no `minimumCalls` to tune per service. It learns nothing while the recent rate is
 * above normal, so a fault is not learned as the new normal.
 */
export class BaselineRule implements TripRule {
  readonly name: string;
  readonly horizon: number;
  readonly margin: number;
  readonly confidence: number;
  readonly maxBaseline: number;
  readonly recentCalls: number;
  readonly recentWindow: number;
  readonly probeCalls: number;
  readonly probeGrowth: number;
  readonly minWait: number;
  readonly maxWait: number;
  /**
   * A `timeout` for the breaker (`timeout: rule.openWait`): the open wait measured in calls
   * rather than ms, `probeCalls * probeGrowth^(opens - 1)` calls at the learned call rate, within
   * `[minWait, maxWait]`. A busy dependency is probed again within a second, a quiet one after
   * the same number of its (rarer) calls, so a probe costs about the same share of traffic.
   */
  readonly openWait: (opens: number) => number;
  /** Present only with `partial`: the breaker then draws a share of calls to reject. */
  readonly rejectionShare?: (now: number) => number;
  private readonly z: number;
  private readonly lengths: number[];
  private readonly failed: Uint8Array;
  private readonly times: Float64Array;
  private size = 0;
  private next = 0;
  private weighted: number;
  private weightedFailures: number;
  private latencyMean = NaN;
  private recentArrivals = 0;
  private firstSeen = NaN;
  private last = NaN;
  private lastBound = 0;
  private readonly controller: ShareController | undefined;
  private readonly updates = new Emitter<BaselineUpdate>('onUpdate');

  /** @param options see {@link BaselineRuleOptions}; validated here. */
  constructor(options?: BaselineRuleOptions) {
    const label = 'baselineRule';
    const o = checkOptions(label, options, [...KNOWN]);
    const share = { min: 0, max: 1 };
    this.name = stringOption(label, 'name', o.name, 'baseline');
    this.horizon = numberOption(label, 'horizon', o.horizon, 600_000, { min: 0, above: true });
    const initial = numberOption(label, 'initialBaseline', o.initialBaseline, 0.05, share);
    const prior = numberOption(label, 'priorCalls', o.priorCalls, 20, { min: 0 });
    this.maxBaseline = numberOption(label, 'maxBaseline', o.maxBaseline, 0.5, share);
    this.margin = numberOption(label, 'margin', o.margin, 0.2, share);
    this.confidence = numberOption(label, 'confidence', o.confidence, 0.9999, {
      min: 0,
      above: true,
      max: 0.999999,
    });
    this.recentCalls = numberOption(label, 'recentCalls', o.recentCalls, 128, {
      min: 3,
      max: 1024,
      integer: true,
    });
    this.recentWindow = numberOption(label, 'recentWindow', o.recentWindow, 60_000, {
      min: 0,
      above: true,
    });
    this.probeCalls = numberOption(label, 'probeCalls', o.probeCalls, 8, { min: 1 });
    this.probeGrowth = numberOption(label, 'probeGrowth', o.probeGrowth, 1.5, { min: 1 });
    this.minWait = numberOption(label, 'minWait', o.minWait, 500, { min: 0, above: true });
    this.maxWait = numberOption(label, 'maxWait', o.maxWait, 60_000, { min: this.minWait });
    this.openWait = (opens) => {
      const perMs = this.callRate / 1000;
      const calls = this.probeCalls * this.probeGrowth ** Math.max(0, opens - 1);
      const wait = perMs > 0 ? calls / perMs : this.maxWait;
      return Math.min(this.maxWait, Math.max(this.minWait, wait));
    };
    if (o.partial !== undefined && typeof o.partial !== 'boolean') {
      throw new TypeError(
        `baselineRule option partial must be a boolean, got ${String(o.partial)}`,
      );
    }
    this.z = normalQuantile(this.confidence);
    this.lengths = stretches(this.recentCalls);
    this.failed = new Uint8Array(this.recentCalls);
    this.times = new Float64Array(this.recentCalls);
    this.weighted = prior;
    this.weightedFailures = prior * initial;
    if (o.partial === true) {
      const controller = new ShareController();
      this.controller = controller;
      this.rejectionShare = (now) =>
        controller.share(now, this.recentRate(now, 10_000), this.threshold);
    }
  }

  /** The learned normal failure rate (0..1). */
  get baseline(): number {
    if (this.weighted <= 0) return 0;
    return Math.min(this.maxBaseline, this.weightedFailures / this.weighted);
  }

  /** baseline + margin: the recent bound above which the rule trips. */
  get threshold(): number {
    return this.baseline + this.margin;
  }

  /** The highest Wilson lower bound over the recent stretches, as of the last outcome. */
  get bound(): number {
    return this.lastBound;
  }

  /** The learned normal duration of a successful call, ms (NaN before any). */
  get latency(): number {
    return this.latencyMean;
  }

  /** The learned rate of calls (successes and failures observed while closed), per second. */
  get callRate(): number {
    if (Number.isNaN(this.firstSeen)) return 0;
    // The decayed count of a steady rate r after t ms is r * H * (1 - exp(-t / H)).
    const span = Math.max(1_000, this.last - this.firstSeen);
    return (this.recentArrivals / (RATE_HORIZON * (1 - Math.exp(-span / RATE_HORIZON)))) * 1000;
  }

  /** The share of calls rejected while closed now (0 without `partial`). */
  get share(): number {
    return this.controller?.current ?? 0;
  }

  /** Calls `listener` after every observed outcome; returns a function that unsubscribes it. */
  onUpdate(listener: (update: BaselineUpdate) => void): Disposer {
    return this.updates.subscribe(listener);
  }

  /** Called by the breaker for every success or failure recorded in closed state. */
  observe(outcome: 'success' | 'failure', _slow: boolean, duration: number, now: number): void {
    const failure = outcome === 'failure';
    this.failed[this.next] = failure ? 1 : 0;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.recentCalls;
    if (this.size < this.recentCalls) this.size++;
    this.lastBound = this.scan(now);
    const gap = Number.isNaN(this.last) ? 0 : Math.max(0, now - this.last);
    if (Number.isNaN(this.firstSeen)) this.firstSeen = now;
    this.recentArrivals = this.recentArrivals * Math.exp(-gap / RATE_HORIZON) + 1;
    const decay = Math.exp(-gap / this.horizon);
    this.last = now;
    if (this.lastBound <= this.baseline) {
      // Learn only while the recent rate is not above normal: a fault is not the new normal.
      this.weighted = this.weighted * decay + 1;
      this.weightedFailures = this.weightedFailures * decay + (failure ? 1 : 0);
      if (!failure && Number.isFinite(duration)) {
        const alpha = 1 - decay + 1 / Math.max(1, this.weighted);
        this.latencyMean = Number.isNaN(this.latencyMean)
          ? duration
          : this.latencyMean + Math.min(1, alpha) * (duration - this.latencyMean);
      }
    }
    if (this.updates.active) {
      this.updates.emit({
        name: this.name,
        at: now,
        baseline: this.baseline,
        bound: this.lastBound,
        threshold: this.threshold,
        latency: this.latencyMean,
        share: this.share,
      });
    }
  }

  /** Called by the breaker after every outcome recorded in closed state. */
  shouldTrip(_context: TripRuleContext): boolean {
    if (!(this.lastBound > this.threshold)) return false;
    // The breaker opens now: what made it trip must not trip it again once it closes.
    this.clearRecent();
    return true;
  }

  /** Forgets the recent outcomes (the learned baseline and the last bound stay). */
  clearRecent(): void {
    this.size = 0;
    this.controller?.reset();
  }

  /** The highest lower bound over the recent stretches. */
  private scan(now: number): number {
    let best = 0;
    let failures = 0;
    let taken = 0;
    const oldest = now - this.recentWindow;
    for (const length of this.lengths) {
      if (length > this.size) break;
      while (taken < length) {
        const i = (this.next - 1 - taken + this.recentCalls) % this.recentCalls;
        if ((this.times[i] ?? 0) < oldest) return best;
        failures += this.failed[i] ?? 0;
        taken++;
      }
      best = Math.max(best, wilsonLowerBound(failures, length, this.z));
    }
    return best;
  }

  /** Failure share of the outcomes of the last `ms`, or 0 without any. */
  private recentRate(now: number, ms: number): number {
    let failures = 0;
    let n = 0;
    for (let taken = 0; taken < this.size; taken++) {
      const i = (this.next - 1 - taken + this.recentCalls) % this.recentCalls;
      if ((this.times[i] ?? 0) < now - ms) break;
      failures += this.failed[i] ?? 0;
      n++;
    }
    return n === 0 ? 0 : failures / n;
  }
}

/**
 * Makes a baseline-relative trip rule for a breaker's `rules` option. See {@link BaselineRule}
 * and docs/adaptive.md.
 *
 * @example
 * const breaker = new CircuitBreaker({
 *   rules: [baselineRule({ margin: 0.1 })],
 *   readyToTrip: () => false, // let the rule decide alone
 *   timeout: exponentialOpenBackoff({ initial: 2_000, max: 60_000 }),
 * });
 */
export function baselineRule(options?: BaselineRuleOptions): BaselineRule {
  return new BaselineRule(options);
}
