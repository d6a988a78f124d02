// A fleet of instances as child processes on the machine's Redis: pooled evidence, quorum, the
// fleet-wide probe lease, a late joiner, and the close of a member. Each test has its own
// prefix and deletes its keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { CircuitBreaker } from '../../src/index.js';
import {
  deleteKeys,
  keysWithPrefix,
  REDIS_PORT,
  skipWithoutRedis,
  testClient,
  uniquePrefix,
} from './redis-fixtures.js';
import { startFleet, stopFleet, type Member } from './fleet.js';

const FLUSH = 100;
const breaker = {
  window: { kind: 'time', size: 3_000, buckets: 10 },
  failureRateThreshold: 50,
  minimumCalls: 20,
  timeout: 1_000,
  maxRequests: 3,
  halfOpenTimeout: 2_000,
} as const;

const skipRedis = await skipWithoutRedis();
const skip =
  skipRedis ||
  (typeof (CircuitBreaker.prototype as { decide?: unknown }).decide !== 'function'
    ? 'the core has no breaker.decide yet: skipped'
    : false);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a fleet of 5 on Redis', { skip, concurrency: false }, () => {
  let redis: Redis;
  let members: Member[] = [];
  let prefix = '';
  before(() => {
    redis = testClient();
  });
  after(async () => {
    await redis.quit();
  });
  const fleet = async (label: string, n = 5, from = 0): Promise<Member[]> => {
    prefix ||= uniquePrefix(label);
    const started = await startFleet(
      n,
      { port: REDIS_PORT, prefix, breaker, coordinator: { flushInterval: FLUSH } },
      from,
    );
    members.push(...started);
    return started;
  };
  const cleanup = async (): Promise<void> => {
    await stopFleet(members);
    members = [];
    if (prefix) await deleteKeys(redis, prefix);
    prefix = '';
  };

  it('pooled evidence opens every instance within flushInterval + 250 ms', async () => {
    try {
      const all = await fleet('pooled');
      const start = Date.now();
      // 6 failures each: 30 pooled >= minimumCalls 20, none reaches 20 alone.
      await Promise.all(all.map((m) => m.calls(6, true)));
      const opened = await Promise.all(all.map((m) => m.transitionTo('open', start, 3_000)));
      assert.ok(
        opened.every((t) => t !== undefined),
        `all opened: ${opened.join(' ')}`,
      );
      const times = opened;
      const spread = Math.max(...times) - Math.min(...times);
      assert.ok(spread <= FLUSH + 250, `last open ${spread} ms after the first`);
      for (const m of all) {
        const s = await m.state();
        assert.equal(s.state, 'open');
        assert.ok((s.retryAfter ?? Infinity) <= breaker.timeout, `retryAfter ${s.retryAfter}`);
      }
      const reasons = all.map((m) => m.events.find((e) => e.event === 'transition')?.reason);
      assert.ok(reasons.filter((r) => r === 'external-open').length >= 4, reasons.join(' '));
    } finally {
      await cleanup();
    }
  });

  it('one sick instance opens alone', async () => {
    try {
      const all = await fleet('alone');
      const start = Date.now();
      await Promise.all(all.map((m, i) => m.calls(25, i === 0)));
      assert.notEqual(await all[0]?.transitionTo('open', start, 2_000), undefined);
      await sleep(FLUSH * 3 + 300);
      for (const m of all.slice(1)) assert.equal((await m.state()).state, 'closed', m.id);
      assert.equal((await all[0]?.state())?.state, 'open');
    } finally {
      await cleanup();
    }
  });

  it('quorum: 2 sick of 5 are held back, the 3rd opens the fleet', async () => {
    try {
      const all = await fleet('quorum');
      const start = Date.now();
      // Pooled 50 failures of 65 calls is over the threshold, but only 2 of 5 vote. The healthy
      // three report first: an instance counts once its outcomes reached Redis (API.md), so a
      // flush of the two sick ones alone would rightly be 2 votes of 2.
      await Promise.all(all.slice(2).map((m) => m.calls(5, false)));
      await sleep(FLUSH * 2 + 100);
      await Promise.all(all.slice(0, 2).map((m) => m.calls(25, true)));
      await sleep(FLUSH * 3 + 300);
      for (const m of all.slice(2))
        assert.equal((await m.state()).state, 'closed', `${m.id} held back`);
      const third = Date.now();
      await all[2]?.calls(6, true); // its own rate 6/11 >= 50%: a 3rd vote, 11 calls < 20 alone
      const opened = await Promise.all(
        all.slice(2).map((m) => m.transitionTo('open', third, 3_000)),
      );
      assert.ok(
        opened.every((t) => t !== undefined),
        `opened: ${opened.join(' ')}`,
      );
      const times = opened;
      assert.ok(Math.max(...times) - Math.min(...times) <= FLUSH + 250);
      assert.ok(start > 0);
    } finally {
      await cleanup();
    }
  });

  it('exactly maxRequests probes run fleet-wide under concurrent load, then all close', async () => {
    try {
      const all = await fleet('probes');
      await Promise.all(all.map((m) => m.calls(6, true)));
      await Promise.all(all.map((m) => m.transitionTo('open', 0, 3_000)));
      const start = Date.now();
      // The dependency is back; every instance calls with 4 in flight, each call taking 40 ms.
      const loads = await Promise.all(
        all.map((m) =>
          m.request({ cmd: 'load', ms: 2_500, fail: false, concurrency: 4, duration: 40 }),
        ),
      );
      const probes = loads.reduce((n, r) => n + (r.tally?.probes ?? 0), 0);
      assert.equal(
        probes,
        breaker.maxRequests,
        `probes per member: ${loads.map((r) => r.tally?.probes).join(' ')}`,
      );
      for (const r of loads) {
        assert.equal(r.tally?.other, 0);
        assert.equal(r.state, 'closed');
      }
      const closed = await Promise.all(all.map((m) => m.transitionTo('closed', start, 100)));
      const times = closed as number[];
      assert.ok(
        Math.max(...times) - Math.min(...times) <= FLUSH + 250,
        `closes spread ${times.join(' ')}`,
      );
    } finally {
      await cleanup();
    }
  });

  it('a new instance reads the fleet open state at ready; keys share a tag and all expire; close leaves no handle', async () => {
    try {
      const all = await fleet('join', 3);
      await Promise.all(all.map((m) => m.calls(8, true)));
      await Promise.all(all.map((m) => m.transitionTo('open', 0, 3_000)));
      const [late] = await fleet('join', 1, 3);
      assert.ok(late);
      // Open, or half-open when it took the fleet's probe lease (the open wait has passed).
      const atReady = (await late.ready).state;
      assert.ok(atReady === 'open' || atReady === 'half-open', `${atReady} at ready`);
      const fleetView = (await late.state()).fleet as { decision: { state: string } }[];
      assert.equal(fleetView[0]?.decision.state, 'open');
      assert.equal(late.events.find((e) => e.event === 'transition')?.reason, 'external-open');
      const keys = await keysWithPrefix(redis, prefix);
      assert.ok(keys.length >= 1);
      const tags = new Set(keys.map((k) => /\{[^}]*\}/.exec(k)?.[0]));
      assert.equal(tags.size, 1, keys.join(' '));
      for (const k of keys) assert.ok((await redis.pttl(k)) > 0, `${k} has a TTL`);
      // Closing: every member exits by itself soon after close (no timer, socket or handle left).
      const exits = await Promise.all(members.map((m) => m.close()));
      for (const e of exits) {
        assert.equal(e.code, 0);
        assert.ok(e.afterClose < 1_500, `exited ${e.afterClose} ms after close`);
      }
    } finally {
      await cleanup();
    }
  });
});
