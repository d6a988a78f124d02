// RedisCoordinator: the fleet's side of many local breakers (shared/API.md "Fleet
// coordination"). Decisions stay in each breaker; the coordinator moves evidence and decisions
// between the breakers and the store, and treats the store as a dependency like any other: its
// own timeout and breaker, and on trouble every breaker keeps protecting on its local rules.
import { hostname } from 'node:os';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { scheduleUnref, type CancelTimer, type Clock } from '../core/clock.js';
import { Emitter } from '../core/emitter.js';
import type { Disposer } from '../core/types.js';
import { checkOptions, clockOption, numberOption, quote } from '../policies/validate.js';
import { BreakerWatcher, toSource, type BreakerSource } from '../manager/source.js';
import { BreakerLink, type FleetBreakerStatus, type LinkContext } from './breaker-link.js';
import { pooledRuleOf } from './pooled-rule.js';
import { RedisFleetStore, type RedisClient } from './redis-store.js';
import type { FleetStore } from './store.js';

/** `'up'` while the store answers; `'degraded'` while breakers run on local rules only. */
export type CoordinationStatus = 'up' | 'degraded';

/** Options of {@link RedisCoordinator}. Durations in ms. */
export interface RedisCoordinatorOptions {
  /** An ioredis `Redis` or `Cluster` client the caller owns (`close()` does not quit it). */
  redis?: RedisClient;
  /** Another {@link FleetStore} instead of `redis` (e.g. a `MemoryFleetStore` in tests). */
  store?: FleetStore;
  /** Start of every key; instances with the same Redis and prefix form one fleet. Default `'breakwater'`. */
  prefix?: string;
  /** This instance's id in the fleet. Default `<hostname>:<pid>:<random>`. */
  instanceId?: string;
  /** Least ms between two flushes of one breaker. Default 100. */
  flushInterval?: number;
  /** Share of reporting instances that must vote (strictly more), 0..1. Default 0.5. */
  quorum?: number;
  /** Least number of voting instances for a fleet-wide open. Default 2. */
  minInstances?: number;
  /** Ms a store command may take before it counts as failed. Default 1000. */
  commandTimeout?: number;
  /** Ms between heartbeats (at most 1000). Default 500. */
  heartbeatInterval?: number;
  /** Timers of the coordinator (flushes, heartbeats, leases). Default: the system clock. */
  clock?: Clock;
}

const KEYS = [
  'redis',
  'store',
  'prefix',
  'instanceId',
  'flushInterval',
  'quorum',
  'minInstances',
  'commandTimeout',
  'heartbeatInterval',
  'clock',
] as const;

const LABEL = 'RedisCoordinator';
const READY_WITHIN = 2_000;

/** What {@link RedisCoordinator.attach} returns. */
export interface Attachment {
  /** Resolves after the first exchange with the store (within 2 s); never rejects. */
  readonly ready: Promise<void>;
  /** Stops coordinating these breakers; they go on with their local rules. */
  detach(): void;
}

/**
 * Coordinates breakers of the same names across instances through Redis: outcomes are pooled,
 * a fleet-wide open needs the pooled window and a quorum of instances, decisions carry a
 * fencing generation, and half-open probes are leased fleet-wide. See docs/fleet.md.
 *
 * @example
 * const coordinator = new RedisCoordinator({ redis: new Redis() });
 * await coordinator.attach(manager).ready;
 */
export class RedisCoordinator {
  /** This instance's id in the fleet. */
  readonly instanceId: string;
  private readonly store: FleetStore;
  private readonly ownsStore: boolean;
  private readonly clock: Clock;
  private readonly flushInterval: number;
  private readonly quorum: number;
  private readonly minInstances: number;
  private readonly heartbeatInterval: number;
  private readonly guard: CircuitBreaker;
  private readonly links = new Map<CircuitBreaker, { link: BreakerLink; uses: number }>();
  private readonly statuses = new Emitter<CoordinationStatus>('onStatus');
  private readonly watchers = new Set<BreakerWatcher>();
  private current: CoordinationStatus = 'degraded';
  private resyncing: Promise<void> | undefined;
  private heartbeatTimer: CancelTimer | undefined;
  private beating = false;
  private closed = false;
  private lastAnswer = NaN;
  private readonly stopSubscriberWatch: (() => void) | undefined;
  private failures = 0;
  private markUp: () => void = () => undefined;
  private readonly firstUp = new Promise<void>((resolve) => {
    this.markUp = resolve;
  });
  private readonly context: LinkContext;

  constructor(options: RedisCoordinatorOptions) {
    const o = checkOptions(LABEL, options, KEYS);
    if ((o.redis === undefined) === (o.store === undefined)) {
      throw new TypeError(
        `${LABEL} needs exactly one of the options redis and store, got ${quote(o.redis ?? o.store)}`,
      );
    }
    if (o.redis !== undefined && typeof (o.redis as { call?: unknown }).call !== 'function') {
      throw new TypeError(`${LABEL} option redis must be an ioredis client, got ${quote(o.redis)}`);
    }
    this.clock = clockOption(LABEL, o.clock);
    this.flushInterval = numberOption(LABEL, 'flushInterval', o.flushInterval, 100, {
      min: 1,
      max: 60_000,
    });
    this.quorum = numberOption(LABEL, 'quorum', o.quorum, 0.5, { min: 0, max: 1 });
    this.minInstances = numberOption(LABEL, 'minInstances', o.minInstances, 2, {
      min: 1,
      integer: true,
    });
    const commandTimeout = numberOption(LABEL, 'commandTimeout', o.commandTimeout, 1_000, {
      min: 1,
      max: 60_000,
    });
    this.heartbeatInterval = numberOption(LABEL, 'heartbeatInterval', o.heartbeatInterval, 500, {
      min: 10,
      max: 1_000,
    });
    const id =
      o.instanceId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    if (typeof id !== 'string' || id === '' || id.includes('|')) {
      throw new TypeError(
        `${LABEL} option instanceId must be a non-empty string without "|", got ${quote(id)}`,
      );
    }
    this.instanceId = id;
    if (o.store) {
      this.store = o.store;
      this.ownsStore = false;
    } else {
      this.store = new RedisFleetStore({
        redis: o.redis as RedisClient,
        prefix: o.prefix ?? 'breakwater',
      });
      this.ownsStore = true;
    }
    // Redis is a dependency like any other: a timeout per command and a breaker, so a store
    // in trouble costs one fast rejection per flush instead of a pile of pending commands.
    this.guard = new CircuitBreaker({
      name: `${LABEL} ${id}`,
      callTimeout: commandTimeout,
      readyToTrip: (c) => c.consecutiveFailures >= 2,
      timeout: Math.min(1_000, this.heartbeatInterval * 2),
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the links' view of this
    const self = this;
    this.context = {
      store: this.store,
      instanceId: id,
      flushInterval: this.flushInterval,
      quorum: this.quorum,
      minInstances: this.minInstances,
      get up() {
        return self.current === 'up';
      },
      run: (op) => this.run(op),
      schedule: (ms, cb) => this.schedule(ms, cb),
      now: () => this.clock.now(),
    };
    const store = this.store as Partial<RedisFleetStore>;
    // After the pub/sub connection comes back, messages may have been missed: read again.
    this.stopSubscriberWatch = store.onSubscriberReady?.(() => {
      if (this.current === 'up') void this.resync();
    });
    this.beat();
  }

  /** `'up'` while the store answers, else `'degraded'` (breakers on local rules only). */
  get status(): CoordinationStatus {
    return this.current;
  }

  /** Calls `listener(status)` on every change of {@link status}; returns a disposer. */
  onStatus(listener: (status: CoordinationStatus) => void): Disposer {
    return this.statuses.subscribe(listener);
  }

  /** Seconds since the store last answered (Infinity before it ever did). */
  get stalenessSeconds(): number {
    return Number.isNaN(this.lastAnswer)
      ? Infinity
      : Math.max(0, this.clock.now() - this.lastAnswer) / 1000;
  }

  /** The fleet view of every coordinated breaker (for metrics and the dashboard). */
  fleet(): FleetBreakerStatus[] {
    return [...this.links.values()].map((l) => l.link.status());
  }

  /**
   * Coordinates `target`: a breaker, or a manager (every breaker it has and every one it makes
   * later). Breakers without a time window and a rate threshold keep to their local rules.
   */
  attach(target: CircuitBreaker | BreakerSource): Attachment {
    if (this.closed) throw new TypeError(`${LABEL}.attach: the coordinator is closed`);
    const source = toSource(target, `${LABEL}.attach(target)`);
    const reads: Promise<void>[] = [];
    let initial = true;
    const watcher = new BreakerWatcher(source, (breaker) => {
      const read = this.link(breaker);
      if (initial) reads.push(read);
      return () => {
        this.unlink(breaker);
      };
    });
    initial = false;
    this.watchers.add(watcher);
    let timer: CancelTimer | undefined;
    const ready = Promise.race([
      // After the first resync too, so a breaker the fleet holds open is held here already.
      Promise.all([...reads, this.firstUp]).then(() => undefined),
      new Promise<void>((resolve) => {
        timer = this.schedule(READY_WITHIN, resolve);
      }),
    ]).finally(() => timer?.());
    return {
      ready,
      detach: () => {
        if (!this.watchers.delete(watcher)) return;
        watcher.close();
      },
    };
  }

  /**
   * Flushes every outcome recorded before the call, unsubscribes, clears every timer and
   * leaves the breakers on local rules. The `redis` client is not quit.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heartbeatTimer?.();
    this.heartbeatTimer = undefined;
    const links = [...this.links.values()].map((l) => l.link);
    await Promise.all(links.map((l) => l.settled().then(() => l.flushNow())));
    for (const w of this.watchers) w.close();
    this.watchers.clear();
    for (const l of links) l.stop();
    this.links.clear();
    this.stopSubscriberWatch?.();
    if (this.ownsStore) await this.store.close();
  }

  // --- links ----------------------------------------------------------------------------

  private link(breaker: CircuitBreaker): Promise<void> {
    const existing = this.links.get(breaker);
    if (existing) {
      existing.uses++;
      return Promise.resolve();
    }
    const rule = pooledRuleOf(breaker.settings);
    if (!rule) return Promise.resolve();
    const link = new BreakerLink(this.context, breaker, rule);
    this.links.set(breaker, { link, uses: 1 });
    return link.read();
  }

  private unlink(breaker: CircuitBreaker): void {
    const entry = this.links.get(breaker);
    if (!entry || --entry.uses > 0) return;
    this.links.delete(breaker);
    // The outcomes recorded so far still reach the fleet; then the breaker is on its own.
    void entry.link.flushNow().finally(() => {
      entry.link.stop();
    });
  }

  // --- the store as a dependency --------------------------------------------------------

  private async run<T>(op: () => Promise<T>): Promise<T | undefined> {
    const result = await this.guard.tryExecute(op);
    if (result.ok) {
      this.lastAnswer = this.clock.now();
      return result.value;
    }
    this.failures++;
    this.setStatus('degraded');
    return undefined;
  }

  private beat(): void {
    if (this.closed) return;
    this.heartbeatTimer = this.schedule(this.heartbeatInterval, () => {
      this.beat();
    });
    if (this.beating) return;
    this.beating = true;
    void this.run(() => this.store.heartbeat())
      .then((answer) => {
        if (answer !== undefined && this.current === 'degraded') return this.resync();
        return undefined;
      })
      .finally(() => {
        this.beating = false;
      });
  }

  /** Reads every breaker's shared state before anything is written, then turns up. */
  private resync(): Promise<void> {
    this.resyncing ??= (async () => {
      const failures = this.failures;
      await Promise.all([...this.links.values()].map((l) => l.link.read()));
      // Up only if every read answered; then what was batched meanwhile is written.
      if (!this.closed && this.failures === failures) {
        this.setStatus('up');
        for (const l of this.links.values()) void l.link.flushNow();
      }
    })().finally(() => {
      this.resyncing = undefined;
    });
    return this.resyncing;
  }

  private setStatus(status: CoordinationStatus): void {
    if (this.current === status) return;
    this.current = status;
    if (status === 'up') this.markUp();
    if (status === 'degraded') for (const l of this.links.values()) l.link.degrade();
    this.statuses.emit(status);
  }

  private schedule(ms: number, callback: () => void): CancelTimer {
    return this.clock.schedule ? this.clock.schedule(ms, callback) : scheduleUnref(ms, callback);
  }
}
