// Redis as a dependency that fails: blackholed through a TCP fault proxy, then its connections
// killed. Calls go on with local protection, nothing throws, the status turns degraded within
// 2 s and up again within 5 s of Redis answering.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { FaultProxy } from '../../src/chaos/index.js';
import { closedPort } from '../adapters/services.js';
import { startFleet, stopFleet, type Member } from './fleet.js';
import {
  deleteKeys,
  REDIS_PORT,
  skipWithoutRedis,
  testClient,
  uniquePrefix,
} from './redis-fixtures.js';

const skip = await skipWithoutRedis();

const breaker = {
  window: { kind: 'time', size: 3_000, buckets: 10 },
  failureRateThreshold: 50,
  minimumCalls: 20,
  timeout: 1_000,
  maxRequests: 2,
} as const;

describe('Redis blackholed and cut', { skip }, () => {
  let redis: Redis;
  let proxy: FaultProxy;
  let members: Member[] = [];
  const prefix = uniquePrefix('outage');
  let port = 0;
  before(async () => {
    redis = testClient();
    proxy = new FaultProxy();
    port = await closedPort();
    await proxy.create({
      name: 'redis',
      listen: `127.0.0.1:${port}`,
      upstream: `127.0.0.1:${REDIS_PORT}`,
    });
  });
  after(async () => {
    await stopFleet(members);
    await proxy.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('keeps protecting locally, degrades within 2 s, is up within 5 s of Redis answering', async () => {
    members = await startFleet(2, { port, prefix, breaker, coordinator: { flushInterval: 100 } });
    const [a, b] = members as [Member, Member];
    const upAt = Date.now();
    for (const m of members)
      assert.notEqual(await m.statusBecomes('up', 0, 5_000), undefined, `${m.id} up`);

    // Blackhole: the bytes from Redis stop, the connections stay open.
    const t0 = Date.now();
    proxy.addToxic('redis', {
      name: 'blackhole',
      type: 'timeout',
      stream: 'downstream',
      attributes: { timeout: 0 },
    });
    await b.calls(5, false); // something to flush into the void
    for (const m of members) {
      const at = await m.statusBecomes('degraded', t0, 4_000);
      assert.notEqual(at, undefined, `${m.id} degraded`);
      assert.ok((at ?? 0) - t0 <= 2_000, `${m.id} degraded after ${(at ?? 0) - t0} ms`);
    }
    const callsStart = Date.now();
    const sick = await a.calls(25, true);
    const healthy = await b.calls(20, false);
    assert.ok(Date.now() - callsStart < 2_000, 'calls are not slowed by Redis');
    assert.equal(sick.tally?.other, 0, 'no call failed because of Redis');
    assert.equal(healthy.tally?.other, 0);
    assert.equal(healthy.tally.ok, 20);
    assert.equal(sick.state, 'open', 'the local rule still trips');
    assert.equal(a.events.find((e) => e.to === 'open' && e.wall >= t0)?.reason, 'tripped');

    // Redis answers again: the stuck connections are cut, the blackhole goes.
    await proxy.update('redis', { enabled: false });
    proxy.removeToxic('redis', 'blackhole');
    await proxy.update('redis', { enabled: true });
    const t1 = Date.now();
    for (const m of members) {
      const at = await m.statusBecomes('up', t1, 6_000);
      assert.notEqual(at, undefined, `${m.id} up again`);
      assert.ok((at ?? 0) - t1 <= 5_000, `${m.id} up after ${(at ?? 0) - t1} ms`);
    }

    // Killed connections: every socket reset at once; calls go on, the status comes back.
    const t2 = Date.now();
    await proxy.update('redis', { enabled: false });
    await proxy.update('redis', { enabled: true });
    const during = await b.calls(20, false);
    assert.equal(during.tally?.ok, 20);
    assert.equal(during.tally.other, 0);
    const end = Date.now() + 6_000;
    for (const m of members) {
      let s = await m.state();
      while (s.status !== 'up' && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        s = await m.state();
      }
      assert.equal(s.status, 'up', `${m.id} up after the cut (${Date.now() - t2} ms)`);
    }
    for (const m of members) assert.equal(m.child.exitCode, null, `${m.id} still running`);
    assert.ok(upAt > 0);
  });
});
