import { arrivals } from './arrivals.js';
import { DependencyModel } from './model.js';
import type { Scenario } from './scenario.js';

/**
 * One recorded call, as API.md's trace format has it (`breakwater tune` reads these as JSONL):
 * `time` is when the call started and `duration` how long it took, both in ms.
 */
export interface TraceCall {
  time: number;
  service: string;
  duration: number;
  outcome: 'success' | 'failure' | 'excluded';
}

/** Options of {@link generateTrace}. */
export interface TraceOptions {
  /** Seed of every random draw (any 32-bit integer): the same seed gives the same trace. */
  seed: number;
  /** Length in ms. Default: the scenario's `duration`. */
  duration?: number;
  /** Calls per second instead of the scenario's (its phases are scaled alike). */
  rate?: number;
  /** Service name of the records. Default: the scenario's `service`. */
  service?: string;
}

/**
 * The calls of `scenario` with no protection in front of the dependency (every call is sent),
 * in order of `time`. Times are ms from the start of the run, rounded to 0.001 ms so that
 * JSON round trips keep them exact. Deterministic: the same options give the same records.
 *
 * @example
 * const trace = generateTrace(scenarios['spike-60'], { seed: 1 });
 * writeFileSync('trace.jsonl', trace.map((c) => JSON.stringify(c)).join('\n'));
 */
export function generateTrace(scenario: Scenario, options: TraceOptions): TraceCall[] {
  const model = new DependencyModel(scenario);
  const service = options.service ?? scenario.service;
  return arrivals(scenario, options).map((arrival) => {
    const served = model.serve(arrival);
    return {
      time: round(arrival.time),
      service,
      duration: round(served.duration),
      outcome: served.ok ? 'success' : 'failure',
    };
  });
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
