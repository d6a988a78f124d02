// The in-memory FleetStore: the same contract as the Redis store, for one process (tests, a
// fleet of breakers in one process, a development machine without Redis). Expiry is lazy: a
// key past its TTL reads as absent, as in Redis.
import { systemClock, type Clock } from '../core/clock.js';
import { disposer, reportListenerError } from '../core/emitter.js';
import type { Disposer } from '../core/types.js';
import {
  NO_DECISION,
  type FleetDecision,
  type FleetStore,
  type FleetView,
  type FlushRequest,
  type InstanceTotals,
  type LeaseRequest,
  type LeaseResult,
  type PublishRequest,
  type PublishResult,
} from './store.js';

interface Entry {
  // bucket index -> instance -> [successes, failures, slow]
  counts: Map<number, Map<string, [number, number, number]>>;
  countsExpiry: number;
  decision: FleetDecision;
  decisionExpiry: number;
  lease: { holder: string; expiry: number } | undefined;
  listeners: Set<(decision: FleetDecision) => void>;
}

/**
 * A {@link FleetStore} in process memory. Coordinators given the same instance form a fleet.
 *
 * @param clock the store's clock (the role of Redis's `TIME`). Default: the system clock.
 */
export class MemoryFleetStore implements FleetStore {
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Names of breakers with at least one live key (for tests of expiry). */
  liveNames(): string[] {
    const now = this.clock.now();
    return [...this.entries.keys()].filter((name) => {
      const e = this.entry(name, now);
      return e.counts.size > 0 || e.decision.generation > 0 || e.lease !== undefined;
    });
  }

  flush(name: string, request: FlushRequest): Promise<FleetView> {
    const now = this.clock.now();
    const e = this.entry(name, now);
    const bucketMs = Math.max(1, Math.floor(request.window.size / request.window.buckets));
    const current = Math.floor(now / bucketMs);
    const oldest = current - request.window.buckets + 1;
    const accepted = request.generation >= 0 && request.generation === e.decision.generation;
    if (accepted) {
      let wrote = false;
      for (const b of request.buckets) {
        const index = Math.floor((now - b.age) / bucketMs);
        if (index < oldest) continue;
        let byInstance = e.counts.get(index);
        if (!byInstance) {
          byInstance = new Map<string, [number, number, number]>();
          e.counts.set(index, byInstance);
        }
        const c = byInstance.get(request.instance) ?? [0, 0, 0];
        c[0] += b.successes;
        c[1] += b.failures;
        c[2] += b.slow;
        byInstance.set(request.instance, c);
        wrote = true;
      }
      if (wrote || e.counts.size > 0) e.countsExpiry = now + request.ttl;
      if (e.decision.generation > 0) {
        e.decisionExpiry = Math.max(
          e.decisionExpiry,
          now + decisionTtl(e.decision, now, request.ttl),
        );
      }
    }
    const totals = new Map<string, [number, number, number]>();
    for (const [index, byInstance] of e.counts) {
      if (index < oldest) {
        if (accepted) e.counts.delete(index);
        continue;
      }
      for (const [instance, c] of byInstance) {
        const t = totals.get(instance) ?? [0, 0, 0];
        t[0] += c[0];
        t[1] += c[1];
        t[2] += c[2];
        totals.set(instance, t);
      }
    }
    const instances: InstanceTotals[] = [...totals].map(([instance, [s, f, w]]) => ({
      instance,
      calls: s + f,
      failures: f,
      slow: w,
    }));
    return this.reply({
      now,
      decision: e.decision,
      accepted,
      instances,
      lease: e.lease ? { holder: e.lease.holder, ttl: e.lease.expiry - now } : undefined,
    });
  }

  publish(name: string, request: PublishRequest): Promise<PublishResult> {
    const now = this.clock.now();
    const e = this.entry(name, now);
    if (request.expected !== e.decision.generation) {
      return this.reply({ accepted: false, now, decision: e.decision });
    }
    const decision: FleetDecision = Object.freeze({
      generation: e.decision.generation + 1,
      state: request.state,
      at: now,
      wait: request.state === 'open' ? request.wait : 0,
      by: request.by,
    });
    e.decision = decision;
    e.decisionExpiry = now + decisionTtl(decision, now, request.ttl);
    e.counts.clear();
    e.lease = undefined;
    for (const listener of [...e.listeners]) {
      queueMicrotask(() => {
        try {
          listener(decision);
        } catch (error) {
          reportListenerError('MemoryFleetStore subscriber', error);
        }
      });
    }
    return this.reply({ accepted: true, now, decision });
  }

  acquireLease(name: string, request: LeaseRequest): Promise<LeaseResult> {
    const now = this.clock.now();
    const e = this.entry(name, now);
    const d = e.decision;
    if (d.generation !== request.generation || d.state !== 'open') {
      return this.reply({ granted: false, now, holder: '', ttl: 0 });
    }
    if (now < d.at + d.wait) {
      return this.reply({ granted: false, now, holder: '', ttl: d.at + d.wait - now });
    }
    if (e.lease && e.lease.holder !== request.instance) {
      return this.reply({ granted: false, now, holder: e.lease.holder, ttl: e.lease.expiry - now });
    }
    e.lease = { holder: request.instance, expiry: now + request.ttl };
    return this.reply({ granted: true, now, holder: request.instance, ttl: request.ttl });
  }

  releaseLease(name: string, instance: string): Promise<void> {
    const e = this.entry(name, this.clock.now());
    if (e.lease?.holder === instance) e.lease = undefined;
    return this.reply(undefined);
  }

  heartbeat(): Promise<number> {
    return this.reply(this.clock.now());
  }

  subscribe(name: string, listener: (decision: FleetDecision) => void): Disposer {
    const e = this.entry(name, this.clock.now());
    e.listeners.add(listener);
    return disposer(() => {
      e.listeners.delete(listener);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const e of this.entries.values()) e.listeners.clear();
    return Promise.resolve();
  }

  private reply<T>(value: T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('MemoryFleetStore is closed'));
    return Promise.resolve(value);
  }

  private entry(name: string, now: number): Entry {
    let e = this.entries.get(name);
    if (!e) {
      e = {
        counts: new Map(),
        countsExpiry: Infinity,
        decision: NO_DECISION,
        decisionExpiry: Infinity,
        lease: undefined,
        listeners: new Set(),
      };
      this.entries.set(name, e);
    }
    if (now >= e.countsExpiry) {
      e.counts.clear();
      e.countsExpiry = Infinity;
    }
    if (now >= e.decisionExpiry) {
      e.decision = NO_DECISION;
      e.decisionExpiry = Infinity;
    }
    if (e.lease && now >= e.lease.expiry) e.lease = undefined;
    return e;
  }
}

/** How long a decision lives: at least `ttl`, and an open one past its wait by `ttl`. */
export function decisionTtl(decision: FleetDecision, now: number, ttl: number): number {
  return decision.state === 'open' ? Math.max(ttl, decision.at + decision.wait - now + ttl) : ttl;
}
