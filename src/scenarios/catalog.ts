import { quote, suggest } from '../core/options.js';
import type { LatencySpec, Scenario, ScenarioPhase } from './scenario.js';

/** Healthy service time of the catalog's dependencies: median 40 ms, p99 about 90 ms. */
const LATENCY: LatencySpec = { median: 40, sigma: 0.35 };
/** Error rate of a healthy dependency in the catalog (0.5 %). */
const HEALTHY = 0.005;
/** Three minutes of normal traffic before the first fault, so learned baselines have settled. */
const WARM_UP = 180_000;

const base = {
  service: 'dependency',
  rate: 20,
  latency: LATENCY,
  deadline: 1_000,
} as const;

function spike(errorRate: number): Scenario {
  const percent = Math.round(errorRate * 100);
  return {
    ...base,
    name: `spike-${percent}`,
    description: `${percent} % of calls fail for 45 s, then the dependency is healthy again`,
    duration: 300_000,
    phases: [
      { start: 0, errorRate: HEALTHY },
      { start: WARM_UP, errorRate, fault: true },
      { start: WARM_UP + 45_000, errorRate: HEALTHY },
    ],
  };
}

function oscillating(): Scenario {
  const phases: ScenarioPhase[] = [{ start: 0, errorRate: HEALTHY }];
  for (let cycle = 0; cycle < 6; cycle++) {
    const start = WARM_UP + cycle * 30_000;
    phases.push(
      { start, errorRate: 0.7, fault: true },
      { start: start + 10_000, errorRate: HEALTHY },
    );
  }
  return {
    ...base,
    name: 'oscillating',
    description: '70 % errors for 10 s out of every 30 s, six times',
    duration: WARM_UP + 6 * 30_000 + 30_000,
    phases,
  };
}

/**
 * The scenarios of issue 11, by name. Every one starts with three healthy minutes (0.5 %
 * errors unless said otherwise, 20 calls/s, 40 ms median, a 1 s client deadline).
 */
export const scenarios = {
  'spike-20': spike(0.2),
  'spike-60': spike(0.6),
  'spike-100': spike(1),
  'gradual-rise': {
    ...base,
    name: 'gradual-rise',
    description: 'errors rise from 0.5 % to 80 % over 2 min, stay 30 s, then stop',
    duration: 420_000,
    phases: [
      { start: 0, errorRate: HEALTHY },
      { start: WARM_UP, errorRate: 0.8, ramp: true, fault: true },
      { start: WARM_UP + 120_000, errorRate: 0.8, fault: true },
      { start: WARM_UP + 150_000, errorRate: HEALTHY },
    ],
  },
  oscillating: oscillating(),
  'slow-dependency': {
    ...base,
    name: 'slow-dependency',
    description: 'median latency 40 ms -> 900 ms for 60 s (a third of calls pass the 1 s deadline)',
    duration: 300_000,
    capacity: { servers: 64, queue: 64 },
    phases: [
      { start: 0, errorRate: HEALTHY },
      { start: WARM_UP, errorRate: HEALTHY, latency: { median: 900, sigma: 0.35 }, fault: true },
      { start: WARM_UP + 60_000, errorRate: HEALTHY },
    ],
  },
  overload: {
    ...base,
    name: 'overload',
    description:
      '4 servers (about 95 calls/s) with a queue of 40; offered load 60/s, then 140/s for 60 s',
    rate: 60,
    duration: 300_000,
    capacity: { servers: 4, queue: 40 },
    phases: [
      { start: 0, errorRate: HEALTHY },
      { start: WARM_UP, errorRate: HEALTHY, rate: 140, fault: true },
      { start: WARM_UP + 60_000, errorRate: HEALTHY },
    ],
  },
  'low-traffic-outage': {
    ...base,
    name: 'low-traffic-outage',
    description: '1 call/s; every call fails for 2 min after 10 healthy minutes',
    rate: 1,
    duration: 900_000,
    phases: [
      { start: 0, errorRate: HEALTHY },
      { start: 600_000, errorRate: 1, fault: true },
      { start: 720_000, errorRate: HEALTHY },
    ],
  },
  noisy: {
    ...base,
    name: 'noisy',
    description: '10 % of calls fail normally; every call fails for 30 s',
    duration: 360_000,
    phases: [
      { start: 0, errorRate: 0.1 },
      { start: 240_000, errorRate: 1, fault: true },
      { start: 270_000, errorRate: 0.1 },
    ],
  },
} as const satisfies Record<string, Scenario>;

/** A name of the catalog's scenarios. */
export type ScenarioName = keyof typeof scenarios;

/** Every scenario name, in the catalog's order. */
export const scenarioNames = Object.keys(scenarios) as ScenarioName[];

/**
 * The catalog's scenario of that name; an unknown name is a RangeError with a "did you mean"
 * hint and the known names.
 */
export function scenario(name: string): Scenario {
  if (!Object.hasOwn(scenarios, name)) {
    const hint = suggest(name, scenarioNames);
    throw new RangeError(
      `unknown scenario ${quote(name)}${hint ? ` (did you mean ${hint}?)` : ''}; known: ${scenarioNames.join(', ')}`,
    );
  }
  return scenarios[name as ScenarioName];
}
