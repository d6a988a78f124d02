import type {
  CallOptions,
  CallResult,
  CircuitBreaker,
  Protected,
} from '../core/circuit-breaker.js';
import { DETACHED, USED, type ManagedBreaker } from './managed-breaker.js';
import type { ServiceHandle } from './types.js';

type Entry = ManagedBreaker;

// The manager's entry points for handles, kept off its public surface.
/** @internal The service's current breaker, made if it has none. */
export const RESOLVE = Symbol('breakwater.manager.resolve');
/** @internal `execute` once the breaker is known: dependencies, then the breaker. */
export const RUN = Symbol('breakwater.manager.run');
/** @internal `tryExecute` once the breaker is known. */
export const TRY_RUN = Symbol('breakwater.manager.tryRun');

/** @internal What a handle needs of its manager. */
export interface HandleHost {
  [RESOLVE](service: string): Entry;
  [RUN]<T>(entry: Entry, fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>>;
  [TRY_RUN]<T>(
    entry: Entry,
    fn: Protected<T>,
    options?: CallOptions,
  ): Promise<CallResult<Awaited<T>>>;
}

/**
 * What `manager.service(name)` returns. A class, not an object of closures: with one class, V8
 * optimizes the call path once for all handles (closures per handle measured 25% slower).
 */
export class Handle implements ServiceHandle {
  readonly name: string;
  private readonly manager: HandleHost;
  private entry: Entry;

  constructor(manager: HandleHost, name: string, entry: Entry) {
    this.manager = manager;
    this.name = name;
    this.entry = entry;
  }

  get breaker(): CircuitBreaker {
    return this.current();
  }

  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    let entry: Entry;
    try {
      entry = this.current();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.manager[RUN](entry, fn, options);
  }

  tryExecute<T>(fn: Protected<T>, options?: CallOptions): Promise<CallResult<Awaited<T>>> {
    let entry: Entry;
    try {
      entry = this.current();
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
    return this.manager[TRY_RUN](entry, fn, options);
  }

  /** The service's breaker now: the one held, unless it left the manager. Counts as a use. */
  private current(): Entry {
    let entry = this.entry;
    if (entry[DETACHED]) entry = this.entry = this.manager[RESOLVE](this.name);
    entry[USED] = true;
    return entry;
  }
}
