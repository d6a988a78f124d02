// The circuit of each origin on real servers: it opens, stops the traffic, and recovers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CircuitBreakerManager } from '../../src/index.js';
import {
  BreakerOpenError,
  CallTimeoutError,
  ResilientHttpClient,
  TooManyRequestsError,
} from '../../src/http/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { startServer, type TestServer } from './server.js';

let a: TestServer;
let b: TestServer;
before(async () => {
  [a, b] = await Promise.all([startServer(), startServer()]);
});
after(() => Promise.all([a.close(), b.close()]));

async function status(client: ResilientHttpClient, url: string): Promise<number> {
  const res = await client.get(url);
  await res.arrayBuffer();
  return res.status;
}

describe('an open circuit', () => {
  it('rejects with BreakerOpenError without touching the network', async () => {
    const clock = new ManualClock(1_000);
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 3, timeout: 30_000, clock },
    });
    try {
      const before = a.hitsOf('/500');
      for (let i = 0; i < 3; i++) assert.equal(await status(client, `${a.origin}/500`), 500);
      assert.equal(client.breakerFor(a.origin).state, 'open');
      const connections = a.connections;
      for (let i = 0; i < 20; i++) {
        await assert.rejects(client.get(`${a.origin}/500`), (e: unknown) => {
          assert.ok(e instanceof BreakerOpenError, 'a BreakerOpenError');
          assert.equal(e.breakerName, a.origin);
          assert.equal(e.retryAfter, 30_000);
          return true;
        });
      }
      // Every path of the origin is behind the same circuit.
      await assert.rejects(client.get(`${a.origin}/ok`), BreakerOpenError);
      assert.equal(a.hitsOf('/500') - before, 3);
      assert.equal(a.hitsOf('/ok'), 0);
      assert.equal(a.connections, connections);
    } finally {
      await client.close();
    }
  });

  it('isolates origins: one failing origin opens only its own circuit', async () => {
    const client = new ResilientHttpClient({ breaker: { consecutiveFailures: 2 } });
    try {
      for (let i = 0; i < 2; i++) await status(client, `${a.origin}/503`);
      await assert.rejects(client.get(`${a.origin}/ok`), BreakerOpenError);
      const hits = b.hitsOf('/ok');
      for (let i = 0; i < 5; i++) assert.equal(await status(client, `${b.origin}/ok`), 200);
      assert.equal(b.hitsOf('/ok') - hits, 5);
      assert.equal(client.breakerFor(a.origin).state, 'open');
      assert.equal(client.breakerFor(b.origin).state, 'closed');
    } finally {
      await client.close();
    }
  });

  it('takes per-origin overrides', async () => {
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 5 },
      origins: { [a.origin]: { consecutiveFailures: 1 } },
    });
    try {
      await status(client, `${a.origin}/500`);
      await status(client, `${b.origin}/500`);
      assert.equal(client.breakerFor(a.origin).state, 'open');
      assert.equal(client.breakerFor(b.origin).state, 'closed');
    } finally {
      await client.close();
    }
  });
});

describe('recovery through half-open', () => {
  it('a successful probe after the open timeout closes the circuit; a failed one opens it again', async () => {
    const clock = new ManualClock(0);
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 2, timeout: 10_000, clock },
    });
    const breaker = client.breakerFor(a.origin);
    const transitions: string[] = [];
    breaker.onTransition((e) => transitions.push(`${e.from}->${e.to}`));
    try {
      for (let i = 0; i < 2; i++) await status(client, `${a.origin}/500`);
      clock.advance(9_999);
      await assert.rejects(client.get(`${a.origin}/ok`), BreakerOpenError);
      clock.advance(1);
      assert.equal(breaker.state, 'half-open');
      // The probe fails: open again, for another 10 s.
      assert.equal(await status(client, `${a.origin}/500`), 500);
      assert.equal(breaker.state, 'open');
      await assert.rejects(client.get(`${a.origin}/ok`), BreakerOpenError);
      clock.advance(10_000);
      const okHits = a.hitsOf('/ok');
      assert.equal(await status(client, `${a.origin}/ok`), 200);
      assert.equal(breaker.state, 'closed');
      assert.equal(a.hitsOf('/ok') - okHits, 1);
      assert.deepEqual(transitions, [
        'closed->open',
        'open->half-open',
        'half-open->open',
        'open->half-open',
        'half-open->closed',
      ]);
    } finally {
      await client.close();
    }
  });

  it('admits maxRequests probes at once and turns the others away without touching the network', async () => {
    const clock = new ManualClock(0);
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 1, timeout: 1_000, maxRequests: 2, clock },
    });
    try {
      await status(client, `${a.origin}/500`);
      clock.advance(1_000);
      const before = a.hitsOf('/slow');
      const calls = Array.from({ length: 5 }, () => client.get(`${a.origin}/slow?ms=30`));
      const settled = await Promise.allSettled(calls);
      const fulfilled = settled.filter(
        (s): s is PromiseFulfilledResult<Response> => s.status === 'fulfilled',
      );
      const refused = settled.filter(
        (s) => s.status === 'rejected' && s.reason instanceof TooManyRequestsError,
      );
      assert.equal(fulfilled.length, 2);
      assert.equal(refused.length, 3);
      for (const s of fulfilled) await s.value.text();
      assert.equal(a.hitsOf('/slow') - before, 2);
      assert.equal(client.breakerFor(a.origin).state, 'closed');
    } finally {
      await client.close();
    }
  });
});

describe('a manager of your own', () => {
  it('is used as given: its settings, its breakers, shared with other code', async () => {
    const manager = new CircuitBreakerManager({
      defaults: { consecutiveFailures: 1 },
      services: { [b.origin]: { consecutiveFailures: 3 } },
    });
    const client = new ResilientHttpClient({ manager });
    try {
      await status(client, `${a.origin}/500`);
      assert.equal(manager.get(a.origin).state, 'open');
      await status(client, `${b.origin}/500`);
      assert.equal(manager.get(b.origin).state, 'closed');
      manager.get(b.origin).forceOpen();
      await assert.rejects(client.get(`${b.origin}/ok`), (e: unknown) => {
        assert.ok(e instanceof BreakerOpenError, 'a BreakerOpenError');
        assert.equal(e.retryAfter, Infinity);
        return true;
      });
    } finally {
      await client.close();
      manager.close();
    }
  });

  it("uses a breaker's callTimeout as the timeout when the client has none", async () => {
    const client = new ResilientHttpClient({ origins: { [a.origin]: { callTimeout: 50 } } });
    try {
      await assert.rejects(client.get(`${a.origin}/hang`), (e: unknown) => {
        assert.ok(e instanceof CallTimeoutError, 'a CallTimeoutError');
        assert.equal(e.timeout, 50);
        return true;
      });
    } finally {
      await client.close();
    }
  });
});
