// guardPool while PostgreSQL is unreachable: a pool pointed at a closed port, a proxy that dies
// and comes back, and backends terminated with pg_terminate_backend in the middle of a load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { BreakerError, BreakerOpenError } from '../../src/core/errors.js';
import type { StateChangeEvent } from '../../src/core/events.js';
import { guardPool } from '../../src/adapters/pg/index.js';
import { adminClient, backends, makePool, PG } from './pg-common.js';
import { skipUnless } from '../fixtures/services.js';
import { closedPort, sleep, uniqueSuffix } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

const skip = await skipUnless('PostgreSQL', 5432);
const tripAt3 = { readyToTrip: (c: { consecutiveFailures: number }) => c.consecutiveFailures >= 3 };

describe('guardPool with PostgreSQL unreachable', { skip, timeout: 30_000 }, () => {
  it('opens after the configured failures on a closed port, then rejects without touching the pool', async () => {
    const port = await closedPort();
    const pool = makePool(`bw-closed-${uniqueSuffix()}`, { port, connectionTimeoutMillis: 2000 });
    const breaker = new CircuitBreaker({ name: 'pg-closed', timeout: 60_000, ...tripAt3 });
    const transitions: StateChangeEvent[] = [];
    breaker.onTransition((e) => transitions.push(e));
    const db = guardPool(pool, breaker);
    let connects = 0;
    pool.on('connect', () => connects++);
    try {
      for (let i = 0; i < 3; i++) {
        await assert.rejects(db.query('SELECT 1'), { code: 'ECONNREFUSED' });
      }
      assert.equal(breaker.state, 'open');
      assert.equal(transitions.length, 1);
      assert.equal(transitions[0]?.reason, 'tripped');
      assert.equal(transitions[0].counts.consecutiveFailures, 3);
      assert.equal(transitions[0].counts.totalFailures, 3);

      for (let i = 0; i < 1000; i++) {
        const call = i % 2 === 0 ? db.query('SELECT 1') : db.connect();
        // Had the call reached the pool, pg-pool would already hold a new client: it makes one
        // synchronously inside pool.connect().
        assert.equal(pool.totalCount, 0);
        await assert.rejects(call, BreakerOpenError);
      }
      assert.equal(pool.waitingCount, 0);
      assert.equal(connects, 0);
      assert.equal(breaker.counts.requests, 0);
    } finally {
      await db.end();
    }
  });

  it('fails through a dead proxy, rejects while open, and recovers when the server is back', async () => {
    const proxy = await TcpProxy.start({ port: PG.port });
    const pool = makePool(`bw-proxy-${uniqueSuffix()}`, {
      port: proxy.port,
      max: 3,
      connectionTimeoutMillis: 2000,
    });
    const breaker = new CircuitBreaker({ name: 'pg-proxy', timeout: 150, ...tripAt3 });
    const transitions: string[] = [];
    breaker.onTransition((e) => transitions.push(`${e.from}->${e.to}:${e.reason}`));
    const idleErrors: Error[] = [];
    const db = guardPool(pool, breaker, { onIdleError: (e) => idleErrors.push(e) });
    try {
      const healthy = await Promise.all(
        [1, 2, 3].map((n) => db.query<{ n: number }>('SELECT $1::int AS n', [n])),
      );
      assert.deepEqual(
        healthy.map((r) => r.rows[0]?.n),
        [1, 2, 3],
      );
      assert.equal(pool.idleCount, 3);

      proxy.setMode('reset');
      // The three idle connections die with the proxy: reported, and never a crash.
      await waitFor(() => idleErrors.length === 3 && pool.totalCount === 0);

      const errors: unknown[] = [];
      for (let i = 0; i < 3; i++) errors.push(await db.query('SELECT 1').catch((e: unknown) => e));
      for (const e of errors) {
        assert.ok(e instanceof Error && !(e instanceof BreakerOpenError), String(e));
      }
      assert.deepEqual(transitions, ['closed->open:tripped']);

      const accepted = proxy.accepted;
      for (let i = 0; i < 200; i++) await assert.rejects(db.query('SELECT 1'), BreakerOpenError);
      assert.equal(proxy.accepted, accepted);

      // Half-open while still down: the one probe fails and the breaker opens again.
      await sleep(breaker.retryAfter + 5);
      await assert.rejects(db.query('SELECT 1'), (e: unknown) => !(e instanceof BreakerOpenError));
      assert.equal(proxy.accepted, accepted + 1);
      assert.deepEqual(transitions.slice(1), [
        'open->half-open:timeout-elapsed',
        'half-open->open:probe-failed',
      ]);

      proxy.setMode('forward');
      await sleep(breaker.retryAfter + 5);
      const probe = await db.query<{ ok: boolean }>('SELECT true AS ok');
      assert.deepEqual(probe.rows, [{ ok: true }]);
      assert.equal(breaker.state, 'closed');
      assert.deepEqual(transitions.slice(3), [
        'open->half-open:timeout-elapsed',
        'half-open->closed:probes-succeeded',
      ]);
      const after = await Promise.all([4, 5, 6].map((n) => db.query('SELECT $1::int AS n', [n])));
      assert.equal(after.length, 3);
    } finally {
      await db.end();
      await proxy.close();
    }
  });

  it('trips when backends are terminated mid-load, and closes again once the server answers', async () => {
    const app = `bw-terminate-${uniqueSuffix()}`;
    const admin = await adminClient();
    const pool = makePool(app, { max: 4 });
    const breaker = new CircuitBreaker({ name: 'pg-terminate', timeout: 200, ...tripAt3 });
    const transitions: StateChangeEvent[] = [];
    breaker.onTransition((e) => transitions.push(e));
    const db = guardPool(pool, breaker);
    const failures: unknown[] = [];
    let successes = 0;
    let rejections = 0;
    let stop = false;
    // Long queries until the kill, so that all four are certainly mid-query when it comes.
    let seconds = 1;
    const worker = async (): Promise<void> => {
      while (!stop) {
        try {
          await db.query('SELECT pg_sleep($1)', [seconds]);
          successes++;
        } catch (error) {
          // Open or, in half-open, TooManyRequests: rejected without a call. Wait a little, or
          // this loop would spin on microtasks and starve the probe's I/O.
          if (BreakerError.is(error)) {
            rejections++;
            await sleep(5);
          } else failures.push(error);
        }
      }
    };
    try {
      const workers = [worker(), worker(), worker(), worker()];
      await waitForAsync(async () => (await backends(admin, app)).active === 4);
      seconds = 0.01;
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      assert.equal(killed.rowCount, 4);
      await waitFor(() => breaker.state === 'closed' && transitions.length === 3);
      const successesAfterRecovery = successes;
      await waitFor(() => successes >= successesAfterRecovery + 20);
      stop = true;
      await Promise.all(workers);

      // Four queries were cut off mid-flight; the third failure opened the breaker and the
      // fourth, from the closed generation, arrived too late to count.
      assert.equal(failures.length, 4);
      for (const e of failures) assert.equal((e as { code?: string }).code, '57P01');
      assert.deepEqual(
        transitions.map((e) => `${e.from}->${e.to}:${e.reason}`),
        [
          'closed->open:tripped',
          'open->half-open:timeout-elapsed',
          'half-open->closed:probes-succeeded',
        ],
      );
      const [trip] = transitions;
      assert.deepEqual(
        { consecutive: trip?.counts.consecutiveFailures, total: trip?.counts.totalFailures },
        { consecutive: 3, total: 3 },
      );
      assert.ok(rejections > 0);
      // Nothing leaked: every client is back in the pool, idle on the server too.
      assert.equal(pool.idleCount, pool.totalCount);
      assert.equal(pool.waitingCount, 0);
      assert.deepEqual(await backends(admin, app), { idle: pool.totalCount });
    } finally {
      stop = true;
      await db.end();
      await admin.end();
    }
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

async function waitForAsync(condition: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
