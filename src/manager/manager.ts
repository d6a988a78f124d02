import {
  CircuitBreaker,
  type CallOptions,
  type CallResult,
  type Protected,
} from '../core/circuit-breaker.js';
import { scheduleUnref, systemClock, type CancelTimer, type Clock } from '../core/clock.js';
import { Emitter } from '../core/emitter.js';
import type { StateChangeEvent } from '../core/events.js';
import { quote } from '../core/options.js';
import type { Disposer } from '../core/types.js';
import { asConfigError, load, type FileSource, type FromFileOptions } from './file-source.js';
import { ConfigWatcher, type WatchOptions } from './config/reload.js';
import { ManagerClosedError } from './errors.js';
import { sameValue } from './same-value.js';
import {
  overlaySettings,
  resolveSettings,
  sameWindow,
  type ResolvedService,
  type ResolvedSettings,
} from './settings.js';
import { buildFromState, exportState, readManagerState } from './state.js';
import { CascadeTracker } from './cascade.js';
import { blocking, openDependency } from './dependencies.js';
import { CONF, DETACHED, ManagedBreaker, SEEN_AT, USED } from './managed-breaker.js';
import { Handle, RESOLVE, RUN, TRY_RUN, type HandleHost } from './handle.js';
import type {
  CascadeEvent,
  CascadeStatus,
  CreateEvent,
  EvictEvent,
  EvictReason,
  FleetTransitionEvent,
  ManagerOptions,
  ManagerSettings,
  ManagerState,
  ReloadEvent,
  ServiceHandle,
  ServiceSnapshot,
} from './types.js';

/** One service's breaker, with the manager's bookkeeping on it. */
type Entry = ManagedBreaker;

/**
 * One circuit breaker per service, made on first use from `defaults` and the service's own
 * options, with fleet-wide events, idle eviction, a dependency graph that stops failures from
 * cascading, a cascade signal, state export and import, and settings from a watched file.
 *
 * **Idle eviction** (`idleTimeout`): one unref'd sweep timer (from the clock's `schedule`), armed
 * only while there are breakers, drops breakers unused for at least `idleTimeout` ms and at most
 * `idleTimeout + 2 * sweepInterval` (a call in flight at a sweep counts as a use). Only a closed
 * breaker with no forced state and no call in flight is dropped; its listeners go with it
 * (`dispose()`), `onEvict` says so, and the next use makes a fresh one. An open or half-open
 * breaker stays until it closes (or `remove()`). Calls in flight are read from the breaker's
 * counts; for a breaker with a window, whose counts do not show them, `execute` counts them
 * itself (a small cost per call), unless a `callTimeout` shorter than `idleTimeout` bounds them.
 * So a call made directly on a windowed breaker from `get()` is not seen. A reference kept from
 * `get()` goes stale once its breaker is dropped.
 *
 * **Settings changes** (`configure()`, file reload): breakers whose options did not change stay
 * as they are. A changed one is replaced by a new breaker built with the new options and the old
 * one's `toJSON()` as `initialState`, so state, counts, window (if its shape is unchanged) and an
 * open breaker's half-open time are kept. Calls in flight in the old breaker finish there: their
 * outcomes are not recorded by the new one (as if a new generation had started), and in
 * half-open the new breaker admits its own `maxRequests` probes. Listeners on the manager are
 * carried over; listeners put on the old breaker object are dropped with it.
 *
 * @example
 * const manager = new CircuitBreakerManager({
 *   defaults: { timeout: 30_000, consecutiveFailures: 5 },
 *   services: { db: {}, payments: { timeout: 10_000, dependsOn: ['db'] } },
 *   idleTimeout: 600_000,
 * });
 * const receipt = await manager.execute('payments', (signal) => pay(order, { signal }));
 */
export class CircuitBreakerManager implements HandleHost {
  private readonly clock: Clock;
  private settings: ResolvedSettings;
  private readonly entries = new Map<string, Entry>();
  private readonly cascades = new CascadeTracker();
  /** Services whose breaker is open (the cascade's own set). */
  private readonly open = this.cascades.open;
  private closed = false;
  /** Idle eviction is on. */
  private evicting: boolean;
  private cancelSweep: CancelTimer | undefined;
  private source: FileSource | undefined;
  private readonly transitions = new Emitter<FleetTransitionEvent>('onTransition');
  private readonly evictions = new Emitter<EvictEvent>('onEvict');
  private readonly creations = new Emitter<CreateEvent>('onCreate');
  private readonly reloads = new Emitter<ReloadEvent>('onReload');
  /**
   * Breakers report their state changes to the manager (needed for fleet listeners and the
   * cascade signal). Off until one of those is wanted: a subscription costs each breaker about
   * 400 bytes, which per-key fleets of idle breakers need not pay. Once on, it stays on.
   */
  private relaying = false;
  // One listener shared by every breaker: no closure per breaker.
  private readonly relay = (event: StateChangeEvent): void => {
    this.onBreakerTransition(event);
  };

  /**
   * @param options see {@link ManagerOptions}; every setting is checked here, and a bad one
   * throws a TypeError or RangeError naming it by its path (`services.payments.timeout`) and
   * quoting the value.
   */
  constructor(options: ManagerOptions = {}) {
    const clock = clockOf(options);
    this.clock = clock;
    this.settings = resolveSettings(options, clock);
    this.evicting = Number.isFinite(this.settings.idleTimeout);
    if (this.settings.cascadeThreshold !== undefined) this.startRelay();
  }

  /**
   * Makes a manager from a config file (YAML or JSON, by extension) over `options` from code:
   * code supplies what a file cannot say (functions, a clock), the file wins where both set a
   * key. With `watch`, the file is reloaded when it changes.
   *
   * @throws ConfigError (rejects) listing every mistake in the file, each with its path
   */
  static async fromFile(
    file: string,
    options: FromFileOptions = {},
  ): Promise<CircuitBreakerManager> {
    const { watch, clock, ...base } = options;
    // Mistakes in the code's own options are the code's: a TypeError, before the file is read.
    resolveSettings(base, clockOf(options));
    const loaded = await load(file);
    let manager: CircuitBreakerManager;
    try {
      const settings = overlaySettings(base, loaded.settings);
      manager = new CircuitBreakerManager(clock === undefined ? settings : { ...settings, clock });
    } catch (error) {
      throw asConfigError(error, file);
    }
    manager.source = {
      file,
      base,
      text: loaded.text,
      watcher: undefined,
      queue: Promise.resolve(),
    };
    if (watch !== undefined && watch !== false) manager.watch(watch === true ? {} : watch);
    return manager;
  }

  // --- breakers ----------------------------------------------------------------------------

  /** The one breaker of `service`, made on first use (named `service`). Counts as a use. */
  get(service: string): CircuitBreaker {
    const entry = this.entries.get(service);
    if (entry === undefined) return this.create(service);
    entry[USED] = true;
    return entry;
  }

  /** The breaker of `service` if it exists, without making one or counting as a use. */
  peek(service: string): CircuitBreaker | undefined {
    return this.entries.get(service);
  }

  /** True when `service` has a breaker now. */
  has(service: string): boolean {
    return this.entries.has(service);
  }

  /** Number of breakers. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * `get(service).execute(fn, options)`, after checking the service's dependencies: while the
   * breaker of one of them (direct or not) is open, rejects with DependencyOpenError naming it,
   * without asking this service's breaker. Never throws: a bad service name, a closed manager
   * and every rejection come through the promise.
   */
  execute<T>(service: string, fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    let entry = this.entries.get(service);
    if (entry === undefined) {
      try {
        entry = this.create(service);
      } catch (error) {
        return Promise.reject(error);
      }
    } else entry[USED] = true;
    return this[RUN](entry, fn, options);
  }

  /** Like {@link execute}, but resolves to `{ ok, value }` / `{ ok: false, error }`, never rejecting. */
  tryExecute<T>(
    service: string,
    fn: Protected<T>,
    options?: CallOptions,
  ): Promise<CallResult<Awaited<T>>> {
    let entry = this.entries.get(service);
    if (entry === undefined) {
      try {
        entry = this.create(service);
      } catch (error) {
        return Promise.resolve({ ok: false, error });
      }
    } else entry[USED] = true;
    return this[TRY_RUN](entry, fn, options);
  }

  /**
   * A handle on one service for hot paths: its `execute` and `tryExecute` do what the manager's
   * do without looking the service up on each call. It follows the service across idle
   * eviction, settings changes and `import()`: when its breaker leaves, the next call finds (or
   * makes) the current one.
   *
   * @throws TypeError for a bad service name; ManagerClosedError after `close()`
   */
  service(service: string): ServiceHandle {
    return new Handle(this, service, this[RESOLVE](service));
  }

  /**
   * Drops the breaker of `service` whatever its state (an operator's action); the next use makes
   * a fresh one. @returns false when it had none
   */
  remove(service: string): boolean {
    const entry = this.entries.get(service);
    if (entry === undefined) return false;
    const at = this.clock.now();
    this.drop(entry, 'removed', at);
    this.checkCascade(at);
    return true;
  }

  /**
   * One sweep for idle breakers now (the timer does this every `sweepInterval`): drops those
   * unused for `idleTimeout` that are closed, not forced and have no call in flight.
   * @returns the services dropped
   */
  sweep(): string[] {
    const now = this.clock.now();
    const idle = this.settings.idleTimeout;
    const dropped: string[] = [];
    for (const entry of this.entries.values()) {
      // Reading the state applies elapsed time, so open breakers due for half-open turn now.
      const state = entry.state;
      // A call that callTimeout bounds below idleTimeout cannot outlive an idle period.
      const bounded = (entry.settings.callTimeout ?? Infinity) < idle;
      if (entry[USED] || (entry.callsInFlight > 0 && !bounded)) {
        entry[USED] = false;
        entry[SEEN_AT] = now;
      } else if (now - entry[SEEN_AT] >= idle && state === 'closed' && entry.forcedState === null) {
        this.drop(entry, 'idle', now);
        dropped.push(entry.name);
      }
    }
    if (dropped.length > 0) this.checkCascade(now);
    return dropped;
  }

  // --- fleet view --------------------------------------------------------------------------

  /**
   * Every breaker, sorted by name: `{ name, state, counts }` plus forced state, failure rate,
   * retryAfter, declared dependencies, and which open dependency blocks it (`blockedBy`) or
   * explains its own open state (`openBecause`). Does not count as a use.
   */
  snapshot(): ServiceSnapshot[] {
    const out: ServiceSnapshot[] = [];
    for (const entry of this.entries.values()) {
      const state = entry.state;
      const blocked =
        entry[CONF].closure.length === 0 ? undefined : openDependency(this.entries, entry);
      out.push({
        name: entry.name,
        state,
        counts: entry.counts,
        forced: entry.forcedState,
        failureRate: entry.failureRate,
        retryAfter: entry.retryAfter,
        dependsOn: [...entry[CONF].dependsOn],
        blockedBy: blocked?.dependency.name ?? null,
        openBecause: state === 'open' ? (blocked?.dependency.name ?? null) : null,
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The cascade signal now: open breakers against all. Active while more than
   * `cascadeThreshold` percent are open and at least `cascadeMinimumOpen` are (never without a
   * threshold). Reading it applies elapsed time to the open breakers.
   */
  get cascade(): CascadeStatus {
    if (!this.relaying) {
      // Without a threshold the signal is never on: count the open breakers now.
      const open = [...this.entries.values()].filter((e) => e.state === 'open');
      const total = this.entries.size;
      return {
        active: false,
        open: open.length,
        total,
        share: total === 0 ? 0 : open.length / total,
        services: open.map((e) => e.name).sort(),
      };
    }
    for (const name of [...this.open]) {
      // Reading the state applies elapsed time (the relay then updates `open` itself).
      const breaker = this.entries.get(name);
      if (breaker === undefined || breaker.state !== 'open') this.open.delete(name);
    }
    this.checkCascade(this.clock.now());
    return this.cascades.status(this.cascades.on, this.entries.size);
  }

  /** Subscribes to every state change of every breaker (with the service's name). */
  onTransition(listener: (event: FleetTransitionEvent) => void): Disposer {
    const disposer = this.transitions.subscribe(listener);
    this.startRelay();
    return disposer;
  }

  /** Subscribes to the cascade signal turning on and off. */
  onCascade(listener: (event: CascadeEvent) => void): Disposer {
    return this.cascades.events.subscribe(listener);
  }

  /** Subscribes to breakers leaving the manager (idle, replaced, removed, closed). */
  onEvict(listener: (event: EvictEvent) => void): Disposer {
    return this.evictions.subscribe(listener);
  }

  /** Subscribes to breakers entering the manager (first use, replacement, import). */
  onCreate(listener: (event: CreateEvent) => void): Disposer {
    return this.creations.subscribe(listener);
  }

  /**
   * The breakers that exist now. With `onAdd` and `onRemove` this makes the manager a
   * `BreakerSource`: pass it to `registerMetrics`, `readyz`, `instrument`, `AlertManager` or the
   * dashboard, and they follow breakers as they are created, replaced and evicted.
   */
  breakers(): IterableIterator<CircuitBreaker> {
    return this.entries.values();
  }

  /** Calls `listener` with each breaker the manager adds (after it is in `breakers()`). */
  onAdd(listener: (breaker: CircuitBreaker) => void): Disposer {
    return this.onCreate((event) => {
      listener(event.breaker);
    });
  }

  /** Calls `listener` with each breaker the manager drops (after it left `breakers()`). */
  onRemove(listener: (breaker: CircuitBreaker) => void): Disposer {
    return this.onEvict((event) => {
      listener(event.breaker);
    });
  }

  /** Subscribes to the outcome of every file reload. */
  onReload(listener: (event: ReloadEvent) => void): Disposer {
    return this.reloads.subscribe(listener);
  }

  // --- settings ----------------------------------------------------------------------------

  /**
   * Replaces every setting (`defaults`, `services`, idle and cascade settings; not the clock) as
   * a whole: the new settings are checked first and nothing changes if one is wrong. Breakers
   * whose options changed are rebuilt with their state kept (see the class notes).
   *
   * @returns the services whose breaker was rebuilt
   * @throws TypeError / RangeError naming the bad setting
   */
  configure(settings: ManagerSettings): string[] {
    this.assertOpen();
    if ((settings as ManagerOptions | undefined)?.clock !== undefined) {
      throw new TypeError('manager option clock: cannot be changed by configure()');
    }
    const next = resolveSettings(settings, this.clock);
    const at = this.clock.now();
    const plan: { entry: Entry; conf: ResolvedService; breaker: Entry | undefined }[] = [];
    for (const entry of this.entries.values()) {
      const conf = next.services.get(entry.name) ?? next.defaults;
      const changed = !sameValue(entry[CONF].spec, conf.spec);
      plan.push({ entry, conf, breaker: changed ? this.rebuild(entry, conf, at) : undefined });
    }
    // Everything that could throw is done: apply.
    const wasEvicting = this.evicting;
    this.settings = next;
    this.evicting = Number.isFinite(next.idleTimeout);
    const changed: string[] = [];
    for (const { entry, conf, breaker } of plan) {
      const current = breaker ?? entry;
      current[CONF] = conf;
      // Calls started before eviction was on were not counted: give them a full idle period.
      if (this.evicting && !wasEvicting) current[USED] = true;
      if (breaker) {
        this.swap(entry, breaker, 'replaced', at);
        changed.push(entry.name);
      }
    }
    this.cancelSweep?.();
    this.cancelSweep = undefined;
    this.armSweep();
    if (next.cascadeThreshold !== undefined) this.startRelay();
    this.checkCascade(at);
    return changed;
  }

  /**
   * Reads the file given to `fromFile` again and applies it like `configure()`. Reloads run one
   * at a time. Never rejects: a bad file keeps the old settings and resolves to `{ ok: false,
   * error }` (also delivered to `onReload`, or printed as a process warning when nobody listens).
   */
  reload(): Promise<ReloadEvent> {
    const source = this.source;
    if (source === undefined) {
      return Promise.reject(new TypeError('reload() needs a manager made by fromFile()'));
    }
    const run = source.queue.then(() => this.reloadNow(source));
    source.queue = run;
    return run;
  }

  /** Starts watching the file given to `fromFile` (what its `watch` option does). */
  watch(options: WatchOptions = {}): void {
    const source = this.source;
    if (source === undefined) throw new TypeError('watch() needs a manager made by fromFile()');
    this.assertOpen();
    source.watcher?.close();
    source.watcher = new ConfigWatcher(
      source.file,
      () => {
        void this.reload();
      },
      options,
    );
  }

  // --- state -------------------------------------------------------------------------------

  /** Every breaker's state as plain JSON, for `import()` after a restart or elsewhere. */
  export(): ManagerState {
    return exportState(this.entries.values(), this.clock.now());
  }

  /**
   * Restores breakers from `export()`'s output: each listed service gets a breaker with the
   * current settings and the saved state (its saved window only if the window's shape is
   * unchanged). Others are left alone. All or nothing: every entry is checked first.
   *
   * @returns the services restored
   * @throws TypeError naming the bad field (`import(): breakers["db"].state: ...`)
   */
  import(state: ManagerState): string[] {
    this.assertOpen();
    const at = this.clock.now();
    const built = buildFromState(readManagerState(state), (name) => this.confFor(name), at);
    for (const breaker of built) {
      const entry = this.entries.get(breaker.name);
      if (entry) this.swap(entry, breaker, 'imported', at);
      else this.adopt(breaker, 'imported', at);
    }
    this.armSweep();
    this.checkCascade(at);
    return built.map((b) => b.name);
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /**
   * Stops the sweep timer and the file watcher and drops every breaker (`onEvict` with reason
   * `'closed'`). Afterwards `get` throws and `execute` rejects with ManagerClosedError. Calls in
   * flight finish normally.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelSweep?.();
    this.cancelSweep = undefined;
    this.source?.watcher?.close();
    const at = this.clock.now();
    for (const entry of [...this.entries.values()]) this.drop(entry, 'closed', at);
    this.cascades.clear();
  }

  /** The same as {@link close}. */
  dispose(): void {
    this.close();
  }

  /** The same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  // --- internals ---------------------------------------------------------------------------

  /** `closed`, read through a call: it can change across an `await`. */
  private isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new ManagerClosedError('');
  }

  /** @internal The service's current breaker, made if it has none. */
  [RESOLVE](service: string): Entry {
    return this.entries.get(service) ?? this.create(service);
  }

  /** @internal `execute` once the breaker is known: dependencies, then the breaker. */
  [RUN]<T>(entry: Entry, fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    if (entry[CONF].closure.length !== 0) {
      const signal = options?.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      const blocked = blocking(this.entries, entry);
      if (blocked !== undefined) return Promise.reject(blocked);
    }
    return entry.execute(fn, options);
  }

  /** @internal `tryExecute` once the breaker is known. */
  [TRY_RUN]<T>(
    entry: Entry,
    fn: Protected<T>,
    options?: CallOptions,
  ): Promise<CallResult<Awaited<T>>> {
    if (entry[CONF].closure.length !== 0 && options?.signal?.aborted !== true) {
      const blocked = blocking(this.entries, entry);
      if (blocked !== undefined) return Promise.resolve({ ok: false, error: blocked });
    }
    return entry.tryExecute(fn, options);
  }

  private confFor(service: string): ResolvedService {
    return this.settings.services.get(service) ?? this.settings.defaults;
  }

  private create(service: string): Entry {
    if (this.closed) throw new ManagerClosedError(typeof service === 'string' ? service : '');
    if (typeof service !== 'string' || service === '') {
      throw new TypeError(`service must be a non-empty string, got ${quote(service)}`);
    }
    const conf = this.confFor(service);
    const at = this.clock.now();
    const entry = new ManagedBreaker({ ...conf.options, name: service }, conf, at);
    this.adopt(entry, 'created', at);
    this.armSweep();
    this.checkCascade(at);
    return entry;
  }

  private adopt(entry: Entry, reason: CreateEvent['reason'], at: number): void {
    this.entries.set(entry.name, entry);
    if (this.relaying) {
      entry.onTransition(this.relay);
      if (entry.state === 'open') this.open.add(entry.name);
    }
    if (this.creations.active) {
      this.creations.emit({ name: entry.name, breaker: entry, reason, at });
    }
  }

  /** A new breaker for `old`'s service with `conf`'s options and `old`'s state. */
  private rebuild(old: Entry, conf: ResolvedService, at: number): Entry {
    const snapshot = old.toJSON();
    if (!sameWindow(old.settings.window ?? null, conf.window ?? null)) delete snapshot.window;
    const next = new ManagedBreaker(
      { ...conf.options, name: old.name, initialState: snapshot },
      conf,
      at,
    );
    next[USED] = old[USED];
    next[SEEN_AT] = old[SEEN_AT];
    return next;
  }

  /**
   * Puts `next` in the place of `old`. Calls in flight in `old` finish there, and are not
   * counted in flight for `next` (their outcomes would not reach it).
   */
  private swap(old: Entry, next: Entry, reason: 'replaced' | 'imported', at: number): void {
    const name = old.name;
    this.entries.set(name, next);
    old[DETACHED] = true;
    old.dispose();
    if (this.relaying) {
      next.onTransition(this.relay);
      if (next.state === 'open') this.open.add(name);
      else this.open.delete(name);
    }
    if (this.evictions.active) {
      this.evictions.emit({ name, breaker: old, reason: 'replaced', at });
    }
    if (this.creations.active) this.creations.emit({ name, breaker: next, reason, at });
  }

  private drop(entry: Entry, reason: EvictReason, at: number): void {
    this.entries.delete(entry.name);
    this.open.delete(entry.name);
    entry[DETACHED] = true;
    entry.dispose();
    if (this.evictions.active) {
      this.evictions.emit({ name: entry.name, breaker: entry, reason, at });
    }
  }

  /** Subscribes the relay to every breaker, now and from now on. */
  private startRelay(): void {
    if (this.relaying || this.closed) return;
    this.relaying = true;
    for (const entry of this.entries.values()) {
      entry.onTransition(this.relay);
      if (entry.state === 'open') this.open.add(entry.name);
    }
  }

  private onBreakerTransition(event: StateChangeEvent): void {
    const name = event.name;
    if (event.to === 'open') this.open.add(name);
    else if (event.from === 'open') this.open.delete(name);
    if (this.transitions.active) {
      const entry = this.entries.get(name);
      const cause =
        event.to === 'open' && entry !== undefined && entry[CONF].closure.length !== 0
          ? (openDependency(this.entries, entry)?.dependency.name ?? null)
          : null;
      this.transitions.emit({ ...event, service: name, openBecause: cause });
    }
    this.checkCascade(event.at);
  }

  private checkCascade(at: number): void {
    const { cascadeThreshold, cascadeMinimumOpen } = this.settings;
    this.cascades.check(at, this.entries.size, cascadeThreshold, cascadeMinimumOpen);
  }

  private armSweep(): void {
    if (
      this.cancelSweep !== undefined ||
      !this.evicting ||
      this.closed ||
      this.entries.size === 0
    ) {
      return;
    }
    const run = (): void => {
      this.cancelSweep = undefined;
      this.sweep();
      this.armSweep();
    };
    const ms = this.settings.sweepInterval;
    this.cancelSweep = this.clock.schedule ? this.clock.schedule(ms, run) : scheduleUnref(ms, run);
  }

  private async reloadNow(source: FileSource): Promise<ReloadEvent> {
    const { file } = source;
    let event: ReloadEvent;
    if (this.closed) return { ok: true, file, at: this.clock.now(), changed: [], unchanged: true };
    try {
      const loaded = await load(file);
      if (this.isClosed()) {
        return { ok: true, file, at: this.clock.now(), changed: [], unchanged: true };
      }
      if (loaded.text === source.text) {
        event = { ok: true, file, at: this.clock.now(), changed: [], unchanged: true };
      } else {
        let changed: string[];
        try {
          changed = this.configure(overlaySettings(source.base, loaded.settings));
        } catch (error) {
          throw asConfigError(error, file);
        }
        source.text = loaded.text;
        event = { ok: true, file, at: this.clock.now(), changed, unchanged: false };
      }
    } catch (error) {
      event = { ok: false, file, at: this.clock.now(), error: asConfigError(error, file) };
      // Closed while reading (the file may be gone with its directory): nothing to report.
      if (this.isClosed()) return event;
    }
    if (this.reloads.active) this.reloads.emit(event);
    else if (!event.ok) {
      process.emitWarning(`${event.error.message}\nthe previous settings stay in force`, {
        type: 'BreakwaterConfigWarning',
      });
    }
    return event;
  }
}

/** The manager's clock: `clock`, else `defaults.clock`, else the system clock. */
function clockOf(options: ManagerOptions): Clock {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new TypeError(`CircuitBreakerManager options must be an object, got ${quote(given)}`);
  }
  const clock = options.clock ?? options.defaults?.clock ?? systemClock;
  if (typeof (clock as Partial<Clock> | null)?.now !== 'function') {
    throw new TypeError(`manager option clock: expected an object with now(), got ${quote(clock)}`);
  }
  return clock;
}
