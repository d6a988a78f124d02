import { CircuitBreaker } from '../core/circuit-breaker.js';
import { exponentialOpenBackoff } from '../core/backoff.js';
import { runScenario, type PolicyLike, type RunContext } from '../scenarios/driver.js';
import type { RunReport } from '../scenarios/report.js';
import type { Scenario } from '../scenarios/scenario.js';
import { baselineRule } from './baseline.js';
import { adaptiveThrottle } from './throttle.js';

/** One protection under evaluation: a label and a factory on the run's clock. */
export interface Contender {
  readonly label: string;
  /** One line on what it is, for tables. */
  readonly summary: string;
  readonly make: (context: RunContext) => PolicyLike;
  /** Scenarios it is meant for; every one when absent. */
  readonly appliesTo?: (scenario: Scenario) => boolean;
}

/** The open wait of the adaptive breakers: 2 s, doubling per failed probe, at most 30 s. */
const adaptiveWait = (): ((opens: number) => number) =>
  exponentialOpenBackoff({ initial: 2_000, max: 30_000 });

/**
 * The protections docs/adaptive.md and `npm run bench -- adaptive` compare: the static breaker
 * with its defaults and with hand-tuned settings, and each adaptive control.
 */
export const contenders: readonly Contender[] = [
  {
    label: 'static default',
    summary: 'new CircuitBreaker(): more than 5 consecutive failures, 60 s open',
    make: ({ clock }) => new CircuitBreaker({ clock }),
  },
  {
    label: 'static tuned',
    summary: '10 s window, 50 % failure rate, minimumCalls 10, 5 s open',
    make: ({ clock }) =>
      new CircuitBreaker({
        clock,
        window: { kind: 'time', size: 10_000 },
        failureRateThreshold: 50,
        minimumCalls: 10,
        timeout: 5_000,
      }),
  },
  {
    label: 'confidence',
    summary: '10 s window, 50 % failure rate at confidence 0.95, 2 s open doubling',
    make: ({ clock }) =>
      new CircuitBreaker({
        clock,
        window: { kind: 'time', size: 10_000 },
        failureRateThreshold: 50,
        confidence: 0.95,
        timeout: adaptiveWait(),
      }),
  },
  {
    label: 'baseline',
    summary: 'baselineRule() alone, its open wait in calls (timeout: rule.openWait)',
    make: ({ clock }) => {
      const rule = baselineRule();
      return new CircuitBreaker({
        clock,
        readyToTrip: () => false,
        rules: [rule],
        timeout: rule.openWait,
      });
    },
  },
  {
    label: 'baseline partial',
    summary: 'baselineRule({ partial: true }), its open wait in calls',
    make: ({ clock, random }) => {
      const rule = baselineRule({ partial: true });
      return new CircuitBreaker({
        clock,
        random,
        readyToTrip: () => false,
        rules: [rule],
        timeout: rule.openWait,
      });
    },
  },
  {
    label: 'throttle',
    summary: 'adaptiveThrottle(): k = 2 over 60 s',
    make: ({ clock, random }) => adaptiveThrottle({ clock, random }),
  },
];

/** The report of every contender on `scenario`, by label (those that apply). */
export async function evaluate(
  scenario: Scenario,
  seed: number,
  only: readonly Contender[] = contenders,
): Promise<Map<string, RunReport>> {
  const out = new Map<string, RunReport>();
  for (const contender of only) {
    if (contender.appliesTo && !contender.appliesTo(scenario)) continue;
    out.set(contender.label, await runScenario(scenario, contender.make, { seed }));
  }
  return out;
}
