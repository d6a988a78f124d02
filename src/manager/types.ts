import type {
  CallOptions,
  CallResult,
  CircuitBreaker,
  Protected,
} from '../core/circuit-breaker.js';
import type { Clock } from '../core/clock.js';
import type { StateChangeEvent } from '../core/events.js';
import type { OpenBackoffOptions } from '../core/backoff.js';
import type { BreakerOptions, BreakerSnapshot, ResolvedOptions } from '../core/options.js';
import type { CircuitState, Counts } from '../core/types.js';
import type { ConfigError } from './config/config-error.js';

/**
 * Breaker options of one service, as the manager takes them: the core's options (without
 * `name`, which is the service, and `initialState`, which `import()` handles), plus:
 * - `timeout` may also be `{ initial, max, multiplier }`, an exponential backoff of the open
 *   wait (see `exponentialOpenBackoff`), written as data so that a config file can say it;
 * - `consecutiveFailures`: trip after this many consecutive failures (the data form of
 *   `readyToTrip: c => c.consecutiveFailures >= n`; the default rule is 6);
 * - `dependsOn`: services this one needs (see {@link CircuitBreakerManager.execute}).
 */
export interface ServiceOptions extends Omit<BreakerOptions, 'name' | 'initialState' | 'timeout'> {
  /** Open -> half-open wait in ms, a function `(opens) => ms`, or an exponential backoff. */
  timeout?: number | ((opens: number) => number) | OpenBackoffOptions;
  /** Trip after this many consecutive failures (integer >= 1). Replaces `readyToTrip`. */
  consecutiveFailures?: number;
  /**
   * Services this one calls. While the breaker of any of them (or of what they depend on) is
   * open, calls to this service fail fast with DependencyOpenError. Each must be a key of
   * `services` (an empty `{}` entry is enough); cycles are refused.
   */
  dependsOn?: readonly string[];
}

/** Options every service starts from. `dependsOn` belongs to a service and is refused here. */
export type DefaultServiceOptions = Omit<ServiceOptions, 'dependsOn'>;

/** The settings a config file holds and `configure()` replaces, all at once. */
export interface ManagerSettings {
  /** Options of every service; a service's own options override them key by key. */
  defaults?: DefaultServiceOptions;
  /** Options by service name. Services not listed get `defaults`. */
  services?: Readonly<Record<string, ServiceOptions>>;
  /**
   * Drop a breaker that has not been used for this many ms (only a closed one with no call in
   * flight and no forced state). Default: never. See {@link CircuitBreakerManager}.
   */
  idleTimeout?: number;
  /** How often idle breakers are looked for, in ms. Default `idleTimeout / 4`. */
  sweepInterval?: number;
  /**
   * Percent (0 < x <= 100): a cascade is in progress while more than this share of the breakers
   * is open (and at least `cascadeMinimumOpen` are). Default: no cascade signal.
   */
  cascadeThreshold?: number;
  /** Fewest open breakers that can make a cascade. Default 2: one open breaker is not one. */
  cascadeMinimumOpen?: number;
}

/** Options of `new CircuitBreakerManager()`. */
export interface ManagerOptions extends ManagerSettings {
  /**
   * Time for the manager (idle sweeps, event times, exports) and for every breaker that has no
   * `clock` of its own. Default `defaults.clock`, else the system clock. Fixed for the manager's
   * life: `configure()` does not change it.
   */
  clock?: Clock;
}

/** What `manager.service(name)` returns: one service, looked up once. */
export interface ServiceHandle {
  /** The service. */
  readonly name: string;
  /** The service's current breaker (made if it has none). Counts as a use. */
  readonly breaker: CircuitBreaker;
  /** `manager.execute(name, fn, options)` without the lookup. */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>>;
  /** `manager.tryExecute(name, fn, options)` without the lookup. */
  tryExecute<T>(fn: Protected<T>, options?: CallOptions): Promise<CallResult<Awaited<T>>>;
}

/** One breaker as `snapshot()` reports it. */
export interface ServiceSnapshot {
  /** The service, which is also the breaker's name. */
  name: string;
  state: CircuitState;
  counts: Counts;
  /** `'open'` after forceOpen(), `'disabled'` after disable(), else `null`. */
  forced: 'open' | 'disabled' | null;
  /** 0..1; -1 while there are fewer than `minimumCalls` calls. */
  failureRate: number;
  /** Ms until half-open; 0 when not open; `Infinity` when forced open. */
  retryAfter: number;
  /** The services this one declares it depends on. */
  dependsOn: string[];
  /** The open dependency (direct or not) that makes calls to this service fail fast, or null. */
  blockedBy: string | null;
  /** When this breaker is open while a dependency is open too: that dependency; else null. */
  openBecause: string | null;
}

/** A state change of one breaker of the fleet. */
export interface FleetTransitionEvent extends StateChangeEvent {
  /** The service (the same as `name`). */
  service: string;
  /** On a change to open while a dependency is open: that dependency; else null. */
  openBecause: string | null;
}

/** The fleet-level cascade signal. */
export interface CascadeStatus {
  /** True while more than the threshold share of breakers is open. */
  active: boolean;
  /** Open breakers. */
  open: number;
  /** All breakers. */
  total: number;
  /** open / total, 0..1 (0 when there are none). */
  share: number;
  /** The open services, sorted. */
  services: string[];
}

/** Delivered to `onCascade` listeners when the signal turns on or off. */
export interface CascadeEvent extends CascadeStatus {
  /** Clock time (ms) of the change that turned it on or off. */
  at: number;
}

/** Why a breaker left the manager. */
export type EvictReason = 'idle' | 'replaced' | 'removed' | 'closed';

/** Delivered to `onEvict` listeners; exporters drop the breaker's series. */
export interface EvictEvent {
  /** The service. */
  name: string;
  /** The breaker that left (already disposed: it has no listeners). */
  breaker: CircuitBreaker;
  reason: EvictReason;
  /** Clock time (ms). */
  at: number;
}

/** Delivered to `onCreate` listeners for every breaker the manager makes (or swaps in). */
export interface CreateEvent {
  name: string;
  breaker: CircuitBreaker;
  /** Why it was made: first use, a settings change (`'replaced'`), or `import()`. */
  reason: 'created' | 'replaced' | 'imported';
  at: number;
}

/** What `reload()` resolves to and `onReload` listeners receive. */
export type ReloadEvent =
  | {
      ok: true;
      file: string;
      at: number;
      /** Services whose breaker got new settings (state kept). */
      changed: string[];
      /** True when the file's content was the same as the last one applied. */
      unchanged: boolean;
    }
  | {
      ok: false;
      file: string;
      at: number;
      /** Every mistake; the previous settings stay in force. */
      error: ConfigError;
    };

/** `export()`'s output: plain JSON, for `import()` after a restart or in another instance. */
export interface ManagerState {
  version: 1;
  /** Clock time (ms) of the export. */
  at: number;
  /** By service: the breaker's window settings and its `toJSON()` state. */
  breakers: Record<string, { window: ResolvedOptions['window'] | null; state: BreakerSnapshot }>;
}
