// guardPool on the real PostgreSQL: healthy calls, the caller's own SQL errors (never a failure),
// connect/release and transactions (released on every path), pool exhaustion, bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import type { CallEvent } from '../../src/core/events.js';
import {
  guardPool,
  isCallerError,
  PoolExhaustedError,
  type GuardedPool,
} from '../../src/adapters/pg/index.js';
import { adminClient, makePool } from './pg-common.js';
import { skipUnless } from '../fixtures/services.js';
import { uniqueSuffix } from './services.js';

const skip = await skipUnless('PostgreSQL', 5432);

describe('guardPool on the real PostgreSQL', { skip, timeout: 30_000 }, () => {
  const suffix = uniqueSuffix();
  const table = `bw_guard_${suffix}`;
  const app = `bw-guard-${suffix}`;
  let admin: pg.Client;
  let pool: pg.Pool;
  let db: GuardedPool;
  let removed = 0;

  before(async () => {
    admin = await adminClient();
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text)`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 'seed')`);
    pool = makePool(app, { max: 2 });
    pool.on('remove', () => removed++);
    db = guardPool(pool, { name: 'pg-guard' });
  });

  after(async () => {
    await db.end();
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
  });

  it('runs healthy queries and records each as a success', async () => {
    const before = db.breaker.counts;
    const { rows } = await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [2]);
    assert.deepEqual(rows, [{ n: 3 }]);
    const byConfig = await db.query<{ note: string }>({
      text: `SELECT note FROM ${table} WHERE id = $1`,
      values: [1],
    });
    assert.deepEqual(byConfig.rows, [{ note: 'seed' }]);
    const c = db.breaker.counts;
    assert.equal(c.totalSuccesses - before.totalSuccesses, 2);
    assert.equal(c.totalFailures, 0);
  });

  it('hands syntax errors, unique violations and bad data to the caller without tripping', async () => {
    const removedBefore = removed;
    const start = db.breaker.counts;
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const sql of ['SELEC 1', `INSERT INTO ${table} VALUES (1, 'dup')`, "SELECT 'x'::int"]) {
        await assert.rejects(db.query(sql), (error: unknown) => {
          codes.push((error as { code: string }).code);
          return true;
        });
      }
    }
    assert.deepEqual(codes, Array(4).fill(['42601', '23505', '22P02']).flat());
    const c = db.breaker.counts;
    assert.equal(db.breaker.state, 'closed');
    assert.equal(c.totalFailures, 0);
    assert.equal(c.consecutiveFailures, 0);
    assert.equal(c.totalSuccesses - start.totalSuccesses, 12);
    // The connection that refused the caller's SQL is healthy: it goes back to the pool.
    assert.equal(removed, removedBefore);
  });

  it('connect(): release() reports the borrowing; release(err) destroys the client', async () => {
    const start = db.breaker.counts;
    const client = await db.connect();
    assert.equal((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
    await assert.rejects(client.query('SELEC 1'), { code: '42601' });
    client.release();
    await new Promise(setImmediate);
    assert.throws(() => {
      client.release();
    }, /already been released/);
    await assert.rejects(client.query('SELECT 1'), /already released/);
    let c = db.breaker.counts;
    assert.equal(c.totalSuccesses - start.totalSuccesses, 1);
    assert.equal(c.totalFailures, 0);

    const removedBefore = removed;
    const second = await db.connect();
    second.release(new Error('the borrower saw something wrong'));
    // The outcome reaches the breaker through the call's promise: a few microtasks later.
    await new Promise(setImmediate);
    c = db.breaker.counts;
    assert.equal(c.totalFailures, 1);
    await waitFor(() => removed === removedBefore + 1);
    db.breaker.reset();
  });

  it('transaction(): commits, rolls back on any error, releases on every path', async () => {
    const start = db.breaker.counts;
    const id = await db.transaction(async (client) => {
      await client.query(`INSERT INTO ${table} VALUES (2, 'committed')`);
      return 2;
    });
    assert.equal(id, 2);

    await assert.rejects(
      db.transaction(async (client) => {
        await client.query(`INSERT INTO ${table} VALUES (3, 'rolled back')`);
        throw new Error('insufficient funds');
      }),
      /insufficient funds/,
    );
    await assert.rejects(
      db.transaction(async (client) => {
        await client.query(`INSERT INTO ${table} VALUES (4, 'rolled back')`);
        await client.query(`INSERT INTO ${table} VALUES (1, 'duplicate')`);
      }),
      { code: '23505' },
    );
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`);
    assert.deepEqual(
      rows.map((r) => r.id),
      [1, 2],
    );
    const c = db.breaker.counts;
    // Three transactions and one query, all successes: neither the thrown application error
    // nor the constraint violation says anything about the database's health.
    assert.equal(c.totalSuccesses - start.totalSuccesses, 4);
    assert.equal(c.totalFailures, 0);
    assert.equal(pool.idleCount, pool.totalCount);
    const states = await admin.query<{ state: string }>(
      'SELECT state FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    assert.ok(states.rows.every((r) => r.state === 'idle'));
  });

  it('checks its arguments and rejects bad ones without touching the breaker', async () => {
    const requests = db.breaker.counts.requests;
    await assert.rejects(db.query(42 as unknown as string), TypeError);
    await assert.rejects(
      db.query('SELECT 1', 'x' as unknown as unknown[]),
      /values must be an array/,
    );
    await assert.rejects(db.transaction(42 as unknown as () => void), TypeError);
    assert.equal(db.breaker.counts.requests, requests);
    assert.throws(() => guardPool(null as unknown as pg.Pool), /pool must be a pg Pool, got null/);
    assert.throws(
      () => guardPool(pool, {}, { acquireTimout: 5 } as never),
      /did you mean acquireTimeout/,
    );
    assert.throws(() => guardPool(pool, {}, { acquireTimeout: -1 }), RangeError);
    assert.throws(
      () => guardPool(pool, 'x' as never),
      /breaker must be a CircuitBreaker or breaker options, got "x"/,
    );
  });
});

describe('guardPool pool exhaustion', { skip, timeout: 30_000 }, () => {
  it('rejects with PoolExhaustedError after acquireTimeout, as a failure shown in events', async () => {
    const app = `bw-exhaust-${uniqueSuffix()}`;
    const pool = makePool(app, { max: 1 });
    const breaker = new CircuitBreaker({ name: 'pg-exhaust' });
    const db = guardPool(pool, breaker, { acquireTimeout: 60 });
    const events: CallEvent[] = [];
    breaker.onCall((e) => events.push(e));
    try {
      const held = await db.connect();
      const started = performance.now();
      const error = await db.query('SELECT 1').then(
        () => assert.fail('should be exhausted'),
        (e: unknown) => e,
      );
      const waited = performance.now() - started;
      assert.ok(error instanceof PoolExhaustedError);
      assert.equal(error.code, 'ERR_POOL_EXHAUSTED');
      assert.equal(error.breakerName, 'pg-exhaust');
      assert.equal(error.acquireTimeout, 60);
      assert.deepEqual(error.pool, { totalCount: 1, idleCount: 0, waitingCount: 1, max: 1 });
      assert.ok(waited >= 59, `waited ${waited} ms`);
      const failure = events.find((e) => e.outcome === 'failure');
      assert.equal(failure?.error, error);
      assert.equal(breaker.counts.totalFailures, 1);
      assert.equal(isCallerError(error), false);

      held.release();
      // The abandoned wait still gets the client once it is free, and hands it straight back.
      await waitFor(() => pool.waitingCount === 0 && pool.idleCount === 1);
      assert.deepEqual((await db.query<{ n: number }>('SELECT 7 AS n')).rows, [{ n: 7 }]);
      assert.equal(pool.totalCount, 1);
      assert.equal(pool.idleCount, 1);
    } finally {
      await db.end();
    }
  });
});

describe("guardPool with the breaker's callTimeout", { skip, timeout: 30_000 }, () => {
  it('rejects a slow query with CallTimeoutError, a failure, and the client still comes back', async () => {
    const pool = makePool(`bw-timeout-${uniqueSuffix()}`, { max: 1 });
    const breaker = new CircuitBreaker({ name: 'pg-timeout', callTimeout: 50 });
    const db = guardPool(pool, breaker);
    try {
      const started = performance.now();
      await assert.rejects(db.query('SELECT pg_sleep(0.3)'), { name: 'TimeoutError', timeout: 50 });
      assert.ok(performance.now() - started < 250);
      assert.equal(breaker.counts.totalFailures, 1);
      // The query runs on; its client goes back to the pool when it ends.
      assert.equal(pool.idleCount, 0);
      await waitFor(() => pool.idleCount === 1);
      assert.deepEqual((await db.query<{ n: number }>('SELECT 1 AS n')).rows, [{ n: 1 }]);
      assert.equal(pool.totalCount, 1);
    } finally {
      await db.end();
    }
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
