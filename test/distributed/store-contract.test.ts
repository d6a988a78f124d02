// One contract for every FleetStore: the in-memory store (on a ManualClock) and the Redis store
// (on the machine's Redis, real time) pass the same cases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryFleetStore } from '../../src/distributed/memory-store.js';
import { RedisFleetStore } from '../../src/distributed/redis-store.js';
import type { FleetDecision, FleetStore, FlushRequest } from '../../src/distributed/store.js';
import { ManualClock } from '../../src/testing/index.js';
import { sleep } from '../adapters/services.js';
import { deleteKeys, skipWithoutRedis, testClient, uniquePrefix } from './redis-fixtures.js';

interface Harness {
  store: FleetStore;
  /** Lets `ms` of store time pass. */
  pass(ms: number): Promise<void>;
  /** The store's own expiry check: true when nothing of `name` is left. */
  gone(name: string): Promise<boolean>;
  done(): Promise<void>;
}

const WINDOW = { size: 400, buckets: 4 };

function batch(
  instance: string,
  generation: number,
  outcomes: { s?: number; f?: number; w?: number; age?: number }[],
  ttl = 5_000,
): FlushRequest {
  return {
    instance,
    generation,
    window: WINDOW,
    ttl,
    buckets: outcomes.map((o) => ({
      age: o.age ?? 0,
      successes: o.s ?? 0,
      failures: o.f ?? 0,
      slow: o.w ?? 0,
    })),
  };
}

function contract(label: string, make: () => Promise<Harness>, skip: () => string | false): void {
  describe(`FleetStore contract: ${label}`, () => {
    let h: Harness;
    let n = 0;
    const name = (): string => `svc-${++n}`;
    before(async () => {
      if (skip() === false) h = await make();
    });
    after(async () => {
      if (skip() === false) await h.done();
    });
    const test = (title: string, fn: () => Promise<void>): void => {
      it(title, async (t) => {
        const reason = skip();
        if (reason !== false) {
          t.skip(reason);
          return;
        }
        await fn();
      });
    };

    test('a breaker nothing was written for reads as generation 0, closed, no instances', async () => {
      const view = await h.store.flush(name(), batch('a', -1, []));
      assert.equal(view.accepted, false);
      assert.deepEqual(
        { ...view.decision },
        { generation: 0, state: 'closed', at: 0, wait: 0, by: '' },
      );
      assert.deepEqual(view.instances, []);
      assert.equal(view.lease, undefined);
      assert.ok(view.now > 0 || label === 'memory');
    });

    test('a flush writes its batch and replies with the pooled window by instance', async () => {
      const s = name();
      const first = await h.store.flush(s, batch('a', 0, [{ s: 3, f: 2, w: 1 }]));
      assert.equal(first.accepted, true);
      assert.deepEqual(first.instances, [{ instance: 'a', calls: 5, failures: 2, slow: 1 }]);
      const second = await h.store.flush(s, batch('b:1', 0, [{ f: 4 }, { s: 1, age: 50 }]));
      const byName = Object.fromEntries(second.instances.map((i) => [i.instance, i]));
      assert.deepEqual(byName, {
        a: { instance: 'a', calls: 5, failures: 2, slow: 1 },
        'b:1': { instance: 'b:1', calls: 5, failures: 4, slow: 0 },
      });
      const read = await h.store.flush(s, batch('c', -1, [{ f: 100 }]));
      assert.equal(read.accepted, false, 'generation -1 only reads');
      assert.equal(read.instances.length, 2);
    });

    test('outcomes older than the window are not counted, and buckets age out', async () => {
      const s = name();
      const v = await h.store.flush(s, batch('a', 0, [{ f: 7, age: 1_000 }, { s: 2 }]));
      assert.deepEqual(v.instances, [{ instance: 'a', calls: 2, failures: 0, slow: 0 }]);
      await h.pass(WINDOW.size + 150);
      const later = await h.store.flush(s, batch('a', 0, [{ f: 1 }]));
      assert.deepEqual(later.instances, [{ instance: 'a', calls: 1, failures: 1, slow: 0 }]);
    });

    test('publish is fenced by generation: one of two racing publishers wins', async () => {
      const s = name();
      await h.store.flush(s, batch('a', 0, [{ f: 5 }]));
      const [x, y] = await Promise.all([
        h.store.publish(s, { expected: 0, state: 'open', wait: 300, by: 'a', ttl: 5_000 }),
        h.store.publish(s, { expected: 0, state: 'open', wait: 900, by: 'b', ttl: 5_000 }),
      ]);
      assert.equal(Number(x.accepted) + Number(y.accepted), 1);
      const winner = x.accepted ? x : y;
      const loser = x.accepted ? y : x;
      assert.equal(winner.decision.generation, 1);
      assert.equal(winner.decision.state, 'open');
      assert.equal(winner.decision.at, winner.now);
      assert.deepEqual(loser.decision, winner.decision, 'the loser reads the winner');
      const view = await h.store.flush(s, batch('a', 0, [{ f: 3 }]));
      assert.equal(view.accepted, false, 'a batch of the old generation is dropped');
      assert.deepEqual(view.instances, [], 'publishing cleared the counts');
      assert.deepEqual(view.decision, winner.decision);
      const next = await h.store.flush(s, batch('a', 1, [{ s: 1 }]));
      assert.equal(next.accepted, true);
      const close = await h.store.publish(s, {
        expected: 1,
        state: 'closed',
        wait: 123,
        by: 'b',
        ttl: 5_000,
      });
      assert.equal(close.accepted, true);
      assert.equal(close.decision.generation, 2);
      assert.equal(close.decision.wait, 0);
      const stale = await h.store.publish(s, {
        expected: 1,
        state: 'open',
        wait: 1,
        by: 'c',
        ttl: 5_000,
      });
      assert.equal(stale.accepted, false);
      assert.equal(stale.decision.generation, 2);
    });

    test('the probe lease: not before the wait, one holder, renewable, released, expiring', async () => {
      const s = name();
      const open = await h.store.publish(s, {
        expected: 0,
        state: 'open',
        wait: 200,
        by: 'a',
        ttl: 5_000,
      });
      const early = await h.store.acquireLease(s, { generation: 1, instance: 'a', ttl: 300 });
      assert.equal(early.granted, false);
      assert.ok(early.ttl > 0 && early.ttl <= 200, `due in ${early.ttl} ms`);
      await h.pass(early.ttl + 20);
      const wrong = await h.store.acquireLease(s, { generation: 0, instance: 'a', ttl: 300 });
      assert.equal(wrong.granted, false, 'a lease for another generation');
      const [a, b] = await Promise.all([
        h.store.acquireLease(s, { generation: 1, instance: 'a', ttl: 300 }),
        h.store.acquireLease(s, { generation: 1, instance: 'b', ttl: 300 }),
      ]);
      assert.equal(Number(a.granted) + Number(b.granted), 1);
      const holder = a.granted ? 'a' : 'b';
      const other = a.granted ? 'b' : 'a';
      const denied = a.granted ? b : a;
      assert.equal(denied.holder, holder);
      assert.ok(denied.ttl > 0 && denied.ttl <= 300);
      const view = await h.store.flush(s, batch(other, -1, []));
      assert.equal(view.lease?.holder, holder);
      const renew = await h.store.acquireLease(s, { generation: 1, instance: holder, ttl: 300 });
      assert.equal(renew.granted, true);
      await h.store.releaseLease(s, other);
      assert.equal((await h.store.flush(s, batch(other, -1, []))).lease?.holder, holder);
      await h.store.releaseLease(s, holder);
      const taken = await h.store.acquireLease(s, { generation: 1, instance: other, ttl: 150 });
      assert.equal(taken.granted, true, 'free once released');
      await h.pass(200);
      const after = await h.store.acquireLease(s, { generation: 1, instance: holder, ttl: 150 });
      assert.equal(after.granted, true, 'free once expired');
      assert.equal(open.decision.generation, 1);
      const closed = await h.store.publish(s, {
        expected: 1,
        state: 'closed',
        wait: 0,
        by: holder,
        ttl: 5_000,
      });
      assert.equal(closed.accepted, true);
      assert.equal((await h.store.flush(s, batch('a', -1, []))).lease, undefined, 'cleared');
      const none = await h.store.acquireLease(s, { generation: 2, instance: 'a', ttl: 150 });
      assert.equal(none.granted, false, 'no lease while closed');
    });

    test('subscribers receive every published decision', async () => {
      const s = name();
      const seen: FleetDecision[] = [];
      const stop = h.store.subscribe(s, (d) => seen.push(d));
      await h.pass(50); // the subscription reaches the server
      await h.store.publish(s, { expected: 0, state: 'open', wait: 100, by: 'x', ttl: 5_000 });
      await h.store.publish(s, { expected: 1, state: 'closed', wait: 0, by: 'y', ttl: 5_000 });
      for (let i = 0; i < 100 && seen.length < 2; i++) await h.pass(10);
      stop();
      assert.deepEqual(
        seen.map((d) => [d.generation, d.state, d.by]),
        [
          [1, 'open', 'x'],
          [2, 'closed', 'y'],
        ],
      );
      assert.equal(seen[0]?.wait, 100);
    });

    test('everything expires: counts after the ttl, an open decision after wait + ttl', async () => {
      const s = name();
      await h.store.flush(s, batch('a', 0, [{ f: 1 }], 300));
      await h.store.publish(s, { expected: 0, state: 'open', wait: 200, by: 'a', ttl: 300 });
      await h.store.flush(s, batch('a', 1, [{ s: 1 }], 300));
      await h.store.acquireLease(s, { generation: 1, instance: 'a', ttl: 300 });
      await h.pass(350);
      assert.equal((await h.store.flush(s, batch('a', -1, []))).decision.generation, 1);
      await h.pass(300);
      assert.equal(await h.gone(s), true);
      const view = await h.store.flush(s, batch('a', -1, []));
      assert.equal(view.decision.generation, 0);
      assert.deepEqual(view.instances, []);
    });

    test('heartbeat answers with the store clock', async () => {
      const t = await h.store.heartbeat();
      assert.equal(Number.isFinite(t), true);
    });
  });
}

contract(
  'memory',
  () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryFleetStore({ clock });
    return Promise.resolve({
      store,
      pass: async (ms) => {
        clock.advance(ms);
        await new Promise((r) => setImmediate(r));
      },
      gone: (name) => Promise.resolve(!store.liveNames().includes(name)),
      done: () => store.close(),
    });
  },
  () => false,
);

let redisSkip: string | false = 'not checked yet';
before(async () => {
  redisSkip = await skipWithoutRedis();
});

const prefix = uniquePrefix('contract');
contract(
  'redis',
  () => {
    const client = testClient();
    const store = new RedisFleetStore({ redis: client, prefix });
    return Promise.resolve({
      store,
      pass: sleep,
      gone: async (name) => {
        const k = store.keysOf(name);
        return (await client.exists(k.counts, k.decision, k.lease)) === 0;
      },
      done: async () => {
        await store.close();
        await deleteKeys(client, prefix);
        await client.quit();
      },
    });
  },
  () => redisSkip,
);
