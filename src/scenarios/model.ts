import type { Arrival } from './arrivals.js';
import { conditionsAt, type Scenario } from './scenario.js';

/** Why a simulated call failed. */
export type FailureKind = 'error' | 'timeout' | 'overloaded';

/** What a call made at some time gets from the dependency. */
export interface ServedCall {
  /** True when the call succeeded. */
  readonly ok: boolean;
  /** Why it failed; undefined for a success. */
  readonly failure: FailureKind | undefined;
  /** ms from the call to its answer (the deadline for a timeout). */
  readonly duration: number;
  /** ms the call waited for a server. */
  readonly queued: number;
}

/** How long a call turned away by a full queue takes to hear so, in ms. */
export const OVERLOADED_LATENCY = 1;

/**
 * The dependency of a scenario as a queueing system: calls are served by `servers` workers in
 * order of arrival, wait in a bounded queue when all are busy, fail with the error rate in
 * force, and time out at the client's deadline (the server still spends the time). Without a
 * `capacity`, every call is served at once. Time is ms from the start of the run and must not
 * go backwards between {@link serve} calls.
 */
export class DependencyModel {
  readonly scenario: Scenario;
  /** When each server is next free. */
  private readonly freeAt: number[];
  /** Start times of accepted calls, in order; those still in the future are queued. */
  private readonly starts: number[] = [];
  private head = 0;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    this.freeAt = Array<number>(scenario.capacity?.servers ?? 0).fill(0);
  }

  /** Calls waiting for a server at `time`. */
  queuedAt(time: number): number {
    while (this.head < this.starts.length && (this.starts[this.head] ?? 0) <= time) this.head++;
    if (this.head > 1024) {
      this.starts.splice(0, this.head);
      this.head = 0;
    }
    return this.starts.length - this.head;
  }

  /** What `arrival` would get if it were sent at `time`, without sending it. */
  peek(arrival: Arrival, time = arrival.time): ServedCall {
    return this.decide(arrival, time, false);
  }

  /** Sends `arrival` at `time` (default its arrival time): the server takes the work. */
  serve(arrival: Arrival, time = arrival.time): ServedCall {
    return this.decide(arrival, time, true);
  }

  private decide(arrival: Arrival, time: number, commit: boolean): ServedCall {
    const { scenario } = this;
    const conditions = conditionsAt(scenario, time);
    const service = conditions.latency.median * Math.exp(conditions.latency.sigma * arrival.z);
    let start = time;
    if (scenario.capacity) {
      const server = this.earliestServer();
      start = Math.max(time, this.freeAt[server] ?? 0);
      if (start > time && this.queuedAt(time) >= scenario.capacity.queue) {
        return { ok: false, failure: 'overloaded', duration: OVERLOADED_LATENCY, queued: 0 };
      }
      if (commit) {
        this.freeAt[server] = start + service;
        this.starts.push(start);
      }
    }
    const duration = start - time + service;
    const queued = start - time;
    if (duration > scenario.deadline) {
      return { ok: false, failure: 'timeout', duration: scenario.deadline, queued };
    }
    if (arrival.errorRoll < conditions.errorRate) {
      return { ok: false, failure: 'error', duration, queued };
    }
    return { ok: true, failure: undefined, duration, queued };
  }

  private earliestServer(): number {
    let best = 0;
    for (let i = 1; i < this.freeAt.length; i++) {
      if ((this.freeAt[i] ?? 0) < (this.freeAt[best] ?? 0)) best = i;
    }
    return best;
  }
}
