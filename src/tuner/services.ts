import { generateTrace } from '../scenarios/trace.js';
import type { Scenario, ScenarioPhase } from '../scenarios/scenario.js';
import { seededRandom } from '../testing/seeded-random.js';
import { splitTrace, type ServiceTrace } from './trace.js';

/** A generated service: the scenario library's model with drawn parameters, and its trace. */
export interface GeneratedService {
  readonly scenario: Scenario;
  readonly trace: ServiceTrace;
}

const logUniform = (r: () => number, min: number, max: number): number =>
  Math.exp(Math.log(min) + r() * (Math.log(max) - Math.log(min)));

/**
 * Draws `count` services for training and benchmarks: rate 2-50 calls/s, median latency
 * 10-300 ms, baseline errors 0-8 %, one to three outages of 10-150 s (50-100 % errors, some
 * slow instead) in 10 minutes. Deterministic for a seed: the same seed gives the same services,
 * so every setting is compared on the same traces (common random numbers).
 */
export function generateServices(
  count: number,
  seed: number,
  duration = 600_000,
): GeneratedService[] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const rate = logUniform(r, 2, 50);
    const median = logUniform(r, 10, 300);
    const sigma = 0.2 + 0.5 * r();
    const baseline = r() < 0.3 ? 0.001 : 0.08 * r();
    const outages = 1 + Math.floor(r() * 3);
    const phases: ScenarioPhase[] = [{ start: 0, errorRate: baseline }];
    const slot = duration / outages;
    for (let k = 0; k < outages; k++) {
      const length = Math.min(slot * 0.6, logUniform(r, 10_000, 150_000));
      const start = Math.round(k * slot + 30_000 + r() * Math.max(0, slot - length - 40_000));
      const slow = r() < 0.2;
      phases.push(
        slow
          ? { start, errorRate: baseline, latency: { median: 2000, sigma: 0.3 }, fault: true }
          : { start, errorRate: 0.5 + 0.5 * r(), fault: true },
        { start: start + Math.round(length), errorRate: baseline },
      );
    }
    const scenario: Scenario = {
      name: `generated-${seed}-${i}`,
      description: `generated service ${i} of seed ${seed}`,
      service: `service-${i}`,
      duration,
      rate,
      latency: { median, sigma },
      deadline: 1000,
      phases,
    };
    const calls = generateTrace(scenario, { seed: seed * 1000 + i });
    const trace = splitTrace(calls).services[0];
    if (!trace) throw new Error(`scenario ${scenario.name} made no calls`);
    return { scenario, trace };
  });
}
