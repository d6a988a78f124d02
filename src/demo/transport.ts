import type { SimulatedDependency } from './dependency.js';

/**
 * How the demo's gateway reaches one dependency. The breaker stays outside: the scenario runs
 * `client.call(signal)` inside `breaker.tryExecute`, so swapping the transport (in process, plain
 * HTTP, later `breakwater/http`'s client) changes nothing else.
 */
export interface DependencyClient {
  /** Where the dependency is, for people: `'in process'`, `'http://127.0.0.1:40123'`. */
  readonly via: string;
  /**
   * One call. Resolves with the dependency's answer; rejects when it fails (an error status
   * included) or with `signal`'s reason once it aborts.
   */
  call(signal: AbortSignal): Promise<string>;
}

/**
 * Calls the dependency directly, in this process. The promise is the dependency's own, so a
 * scenario on a ManualClock replays exactly.
 */
export function inProcessClient(dependency: SimulatedDependency): DependencyClient {
  return {
    via: 'in process',
    call: (signal) => dependency.call(signal),
  };
}
