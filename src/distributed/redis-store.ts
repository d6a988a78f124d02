// The FleetStore on Redis: one atomic script per operation, Redis's clock, the keys of one
// breaker in one hash slot, a TTL on every key, and decisions on pub/sub over a duplicated
// connection that this store owns (the caller's client is never quit here).
import type { Cluster, Redis } from 'ioredis';
import { disposer, reportListenerError } from '../core/emitter.js';
import type { Disposer } from '../core/types.js';
import { breakerKeys, checkPrefix, type BreakerKeys } from './keys.js';
import { FLUSH, LEASE, PUBLISH, RELEASE } from './lua.js';
import { LuaScript, type CommandClient } from './script.js';
import {
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

const flushScript = new LuaScript(FLUSH, 3);
const publishScript = new LuaScript(PUBLISH, 3);
const leaseScript = new LuaScript(LEASE, 2);
const releaseScript = new LuaScript(RELEASE, 1);

/** An ioredis client: a single node or a Cluster. */
export type RedisClient = Redis | Cluster;

interface Subscriber {
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error' | 'ready', listener: (arg?: unknown) => void): unknown;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  disconnect(): void;
}

/** Options of {@link RedisFleetStore}. */
export interface RedisFleetStoreOptions {
  /** An ioredis client the caller owns; it is duplicated once for pub/sub. */
  redis: RedisClient;
  /** Start of every key and channel. Default `'breakwater'`. */
  prefix?: string;
}

/** A {@link FleetStore} on Redis (a single node, or a Cluster: every script is one slot). */
export class RedisFleetStore implements FleetStore {
  private readonly client: CommandClient;
  private readonly source: RedisClient;
  private readonly prefix: string;
  private readonly keys = new Map<string, BreakerKeys>();
  private readonly listeners = new Map<string, Set<(decision: FleetDecision) => void>>();
  private subscriber: Subscriber | undefined;
  private readonly readyListeners = new Set<() => void>();

  constructor(options: RedisFleetStoreOptions) {
    this.source = options.redis;
    this.client = options.redis;
    this.prefix = checkPrefix(options.prefix ?? 'breakwater', 'RedisFleetStore');
  }

  /** The keys of breaker `name` (for tests and tools). */
  keysOf(name: string): BreakerKeys {
    let k = this.keys.get(name);
    if (!k) this.keys.set(name, (k = breakerKeys(this.prefix, name)));
    return k;
  }

  async flush(name: string, request: FlushRequest): Promise<FleetView> {
    const k = this.keysOf(name);
    const args: (string | number)[] = [
      request.instance,
      request.generation,
      Math.max(1, Math.floor(request.window.size / request.window.buckets)),
      request.window.buckets,
      Math.max(1, Math.ceil(request.ttl)),
    ];
    for (const b of request.buckets) {
      args.push(Math.max(0, Math.round(b.age)), b.successes, b.failures, b.slow);
    }
    const r = asArray(await flushScript.run(this.client, [k.counts, k.decision, k.lease], args));
    const instances: InstanceTotals[] = [];
    for (let i = 9; i + 3 < r.length; i += 4) {
      instances.push({
        instance: String(r[i]),
        calls: Number(r[i + 1]),
        failures: Number(r[i + 2]),
        slow: Number(r[i + 3]),
      });
    }
    const holder = String(r[7]);
    return {
      now: Number(r[0]),
      decision: decisionOf(r, 1),
      accepted: Number(r[6]) === 1,
      instances,
      lease: holder === '' ? undefined : { holder, ttl: Number(r[8]) },
    };
  }

  async publish(name: string, request: PublishRequest): Promise<PublishResult> {
    const k = this.keysOf(name);
    const r = asArray(
      await publishScript.run(
        this.client,
        [k.counts, k.decision, k.lease],
        [
          request.expected,
          request.state,
          Math.max(0, Math.round(request.wait)),
          request.by,
          Math.max(1, Math.ceil(request.ttl)),
          k.channel,
        ],
      ),
    );
    return { accepted: Number(r[0]) === 1, now: Number(r[1]), decision: decisionOf(r, 2) };
  }

  async acquireLease(name: string, request: LeaseRequest): Promise<LeaseResult> {
    const k = this.keysOf(name);
    const r = asArray(
      await leaseScript.run(
        this.client,
        [k.decision, k.lease],
        [request.generation, request.instance, Math.max(1, Math.ceil(request.ttl))],
      ),
    );
    return {
      granted: Number(r[0]) === 1,
      now: Number(r[1]),
      holder: String(r[2]),
      ttl: Math.max(0, Number(r[3])),
    };
  }

  async releaseLease(name: string, instance: string): Promise<void> {
    await releaseScript.run(this.client, [this.keysOf(name).lease], [instance]);
  }

  async heartbeat(): Promise<number> {
    const t = asArray(await this.client.call('TIME'));
    return Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000);
  }

  subscribe(name: string, listener: (decision: FleetDecision) => void): Disposer {
    const channel = this.keysOf(name).channel;
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      this.sub()
        .subscribe(channel)
        .catch(() => undefined); // a failed subscribe is made up for by the reads
    }
    set.add(listener);
    return disposer(() => {
      const s = this.listeners.get(channel);
      if (!s?.delete(listener) || s.size > 0) return;
      this.listeners.delete(channel);
      this.subscriber?.unsubscribe(channel).catch(() => undefined);
    });
  }

  /** Calls `listener` each time the pub/sub connection is (re)established. */
  onSubscriberReady(listener: () => void): Disposer {
    this.readyListeners.add(listener);
    return disposer(() => this.readyListeners.delete(listener));
  }

  close(): Promise<void> {
    this.listeners.clear();
    this.readyListeners.clear();
    // disconnect, not quit: quit waits for a reply that never comes when Redis is unreachable.
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    return Promise.resolve();
  }

  private sub(): Subscriber {
    if (this.subscriber) return this.subscriber;
    const sub = (this.source as unknown as { duplicate(): Subscriber }).duplicate();
    sub.on('error', () => undefined); // reconnecting is ioredis's job; status comes from heartbeats
    sub.on('ready', () => {
      for (const l of [...this.readyListeners]) l();
    });
    sub.on('message', (channel, message) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      const decision = parseMessage(message);
      if (!decision) return;
      for (const l of [...set]) {
        try {
          l(decision);
        } catch (error) {
          reportListenerError('RedisFleetStore subscriber', error);
        }
      }
    });
    this.subscriber = sub;
    return sub;
  }
}

function asArray(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError(`unexpected Redis reply ${String(reply)}`);
  return reply as unknown[];
}

function decisionOf(r: unknown[], i: number): FleetDecision {
  return {
    generation: Number(r[i]),
    state: r[i + 1] === 'open' ? 'open' : 'closed',
    at: Number(r[i + 2]),
    wait: Number(r[i + 3]),
    by: String(r[i + 4]),
  };
}

/** `gen|state|at|wait|by` (by may itself contain `|`). */
function parseMessage(message: string): FleetDecision | undefined {
  const parts = message.split('|');
  if (parts.length < 5) return undefined;
  const generation = Number(parts[0]);
  if (!Number.isInteger(generation)) return undefined;
  return {
    generation,
    state: parts[1] === 'open' ? 'open' : 'closed',
    at: Number(parts[2]),
    wait: Number(parts[3]),
    by: parts.slice(4).join('|'),
  };
}
