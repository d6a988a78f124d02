import { seededRandom } from '../testing/seeded-random.js';
import { conditionsAt, type Scenario } from './scenario.js';

/**
 * One call offered to the dependency, with the random draws that decide its fate drawn up
 * front, so that what a policy does to one call never changes the dice of another.
 */
export interface Arrival {
  /** 0 for the first call of the run. */
  readonly index: number;
  /** ms from the start of the run. */
  readonly time: number;
  /** Uniform in [0, 1): the call fails with an error when below the error rate. */
  readonly errorRoll: number;
  /** Standard normal: the call's service time is `median * exp(sigma * z)`. */
  readonly z: number;
}

/** Options of {@link arrivals}. */
export interface ArrivalOptions {
  /** Seed of the draws (any 32-bit integer). */
  seed: number;
  /** Length in ms. Default: the scenario's `duration`. */
  duration?: number;
  /**
   * Calls per second in place of the scenario's `rate`; the phases' own rates are scaled by the
   * same factor. Default: the scenario's.
   */
  rate?: number;
}

/**
 * The calls offered in a run of `scenario`: Poisson arrivals at the rate in force (phases may
 * change it), each with its draws. The same seed gives the same list.
 */
export function arrivals(scenario: Scenario, options: ArrivalOptions): Arrival[] {
  const duration = options.duration ?? scenario.duration;
  const scale = options.rate === undefined ? 1 : options.rate / scenario.rate;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`rate must be a number > 0, got ${String(options.rate)}`);
  }
  if (!(duration >= 0) || !Number.isFinite(duration)) {
    throw new RangeError(`duration must be a finite number >= 0, got ${String(duration)}`);
  }
  const random = seededRandom(options.seed);
  const out: Arrival[] = [];
  let time = 0;
  for (;;) {
    const perMs = (conditionsAt(scenario, time).rate * scale) / 1000;
    time += -Math.log(1 - random()) / perMs;
    if (time >= duration) return out;
    // Box-Muller from two uniforms; 1 - u keeps the logarithm finite.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out.push({ index: out.length, time, errorRoll: random(), z });
  }
}
