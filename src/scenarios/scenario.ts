/**
 * Latency of one call's service time: log-normal, `median * exp(sigma * z)` with z standard
 * normal. Times in ms.
 */
export interface LatencySpec {
  /** Median service time in ms (> 0). */
  median: number;
  /** Spread of the log-normal (>= 0): 0.25 gives a p99 of about 1.8x the median. */
  sigma: number;
}

/** One stretch of a scenario, from `start` until the next phase's `start` (or the end). */
export interface ScenarioPhase {
  /** ms from the start of the run at which the phase begins. The first phase starts at 0. */
  start: number;
  /** Probability (0..1) that a call served in this phase fails with an error. */
  errorRate: number;
  /**
   * With `ramp`, the error rate, the rate of calls and the latency median rise (or fall)
   * linearly from the previous phase's values at `start` to this phase's at the next phase's
   * `start`. Default false: a step.
   */
  ramp?: boolean;
  /** Service time of a call. Default: the scenario's `latency`. */
  latency?: LatencySpec;
  /** Calls per second offered in this phase. Default: the scenario's `rate`. */
  rate?: number;
  /**
   * True for a phase in which the dependency is in trouble (a fault): time to detect counts
   * from the start of a run of fault phases, time to recover from its end. Default false.
   */
  fault?: boolean;
}

/**
 * Capacity and queueing of the dependency: `servers` calls are served at once, first come first
 * served; up to `queue` more wait; a call that finds the queue full fails at once ("overloaded").
 */
export interface CapacitySpec {
  /** Calls served at once (integer >= 1). */
  servers: number;
  /** Calls that may wait for a server (integer >= 0). */
  queue: number;
}

/**
 * A named, fully deterministic description of a dependency's behaviour over time. Given a seed,
 * the scenario yields the same calls (arrival times, latencies, outcomes) on every machine.
 */
export interface Scenario {
  /** Stable name, e.g. `'spike-60'`. */
  readonly name: string;
  /** One sentence for tables and reports. */
  readonly description: string;
  /** Service name written into trace records. */
  readonly service: string;
  /** Length of a run in ms. */
  readonly duration: number;
  /** Calls per second offered (Poisson arrivals), unless a phase says otherwise. */
  readonly rate: number;
  /** Service time of a call, unless a phase says otherwise. */
  readonly latency: LatencySpec;
  /**
   * The client's deadline in ms: a call that has not answered after this long fails as a
   * timeout, and its duration is the deadline. The server goes on with the work regardless.
   */
  readonly deadline: number;
  /** Capacity and queueing; without it the dependency serves any number of calls at once. */
  readonly capacity?: CapacitySpec;
  /** The phases in order of `start`; the first starts at 0. */
  readonly phases: readonly ScenarioPhase[];
}

/** The dependency's behaviour at one instant, as the model uses it. */
export interface Conditions {
  errorRate: number;
  rate: number;
  latency: LatencySpec;
  fault: boolean;
}

/** A fault of a scenario: a run of consecutive fault phases, `[start, end)` in ms. */
export interface FaultWindow {
  start: number;
  end: number;
}

const lerp = (a: number, b: number, share: number): number => a + (b - a) * share;

/** The index of the phase in force at `time` (ms from the start). */
function phaseIndex(scenario: Scenario, time: number): number {
  const { phases } = scenario;
  let i = 0;
  while (i + 1 < phases.length && (phases[i + 1]?.start ?? Infinity) <= time) i++;
  return i;
}

/** The dependency's conditions at `time` ms from the start of the run (ramps interpolated). */
export function conditionsAt(scenario: Scenario, time: number): Conditions {
  const i = phaseIndex(scenario, time);
  const phase = scenario.phases[i];
  if (!phase) throw new RangeError(`scenario ${scenario.name} has no phases`);
  const here = {
    errorRate: phase.errorRate,
    rate: phase.rate ?? scenario.rate,
    latency: phase.latency ?? scenario.latency,
    fault: phase.fault === true,
  };
  const previous = scenario.phases[i - 1];
  if (!phase.ramp || !previous) return here;
  const end = scenario.phases[i + 1]?.start ?? scenario.duration;
  const share = end > phase.start ? Math.min(1, (time - phase.start) / (end - phase.start)) : 1;
  const from = previous.latency ?? scenario.latency;
  return {
    errorRate: lerp(previous.errorRate, here.errorRate, share),
    rate: lerp(previous.rate ?? scenario.rate, here.rate, share),
    latency: {
      median: lerp(from.median, here.latency.median, share),
      sigma: lerp(from.sigma, here.latency.sigma, share),
    },
    fault: here.fault,
  };
}

/** The faults of a scenario: each run of consecutive fault phases, clipped to its duration. */
export function faultWindows(scenario: Scenario): FaultWindow[] {
  const out: FaultWindow[] = [];
  scenario.phases.forEach((phase, i) => {
    if (phase.start >= scenario.duration || phase.fault !== true) return;
    const end = Math.min(scenario.phases[i + 1]?.start ?? scenario.duration, scenario.duration);
    const last = out.at(-1);
    if (last?.end === phase.start) last.end = end;
    else out.push({ start: phase.start, end });
  });
  return out;
}
