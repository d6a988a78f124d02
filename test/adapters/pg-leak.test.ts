// 1,000 mixed calls through guardPool (queries, the caller's SQL errors, connect/release,
// committed and rolled-back transactions, destroyed clients): afterwards no client is missing
// from the pool and no backend is left busy or in a transaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { guardPool, type GuardedPool } from '../../src/adapters/pg/index.js';
import { adminClient, backends, makePool } from './pg-common.js';
import { skipUnless } from '../fixtures/services.js';
import { uniqueSuffix } from './services.js';

const skip = await skipUnless('PostgreSQL', 5432);
const CALLS = 1000;
const KINDS = 8;

/** Call `i`, by kind; resolves to what the caller saw. */
async function call(db: GuardedPool, table: string, i: number): Promise<string> {
  try {
    switch (i % KINDS) {
      case 0:
        return String((await db.query<{ i: number }>('SELECT $1::int AS i', [i])).rows[0]?.i === i);
      case 1:
        await db.query('SELEC 1');
        return 'no error';
      case 2:
        await db.query(`INSERT INTO ${table} VALUES (0)`);
        return 'no error';
      case 3: {
        const client = await db.connect();
        await client.query('SELECT pg_sleep(0.001)');
        client.release();
        return 'true';
      }
      case 4: {
        const client = await db.connect();
        try {
          await client.query("SELECT 'x'::int");
          return 'no error';
        } finally {
          client.release();
        }
      }
      case 5:
        return String(
          await db.transaction(async (client) => {
            await client.query(`INSERT INTO ${table} VALUES ($1)`, [i]);
            return true;
          }),
        );
      case 6:
        await db.transaction(async (client) => {
          await client.query(`INSERT INTO ${table} VALUES ($1)`, [i]);
          throw new Error('changed my mind');
        });
        return 'no error';
      default: {
        const client = await db.connect();
        client.release(new Error('destroy this one'));
        return 'true';
      }
    }
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  }
}

describe('guardPool leaks nothing', { skip, timeout: 30_000 }, () => {
  it(`after ${CALLS} mixed calls every client is back in the pool`, async () => {
    const suffix = uniqueSuffix();
    const table = `bw_leak_${suffix}`;
    const app = `bw-leak-${suffix}`;
    const admin = await adminClient();
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} VALUES (0)`);
    const pool = makePool(app, { max: 4 });
    // Never trips: the point here is the bookkeeping of every call, not the state machine.
    const breaker = new CircuitBreaker({ name: 'pg-leak', readyToTrip: () => false });
    const db = guardPool(pool, breaker, { acquireTimeout: 5000 });
    try {
      const seen: string[] = new Array<string>(CALLS);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < CALLS) {
          const i = next++;
          seen[i] = await call(db, table, i);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));

      const expected = [
        'true',
        '42601',
        '23505',
        'true',
        '22P02',
        'true',
        'changed my mind',
        'true',
      ];
      for (let i = 0; i < CALLS; i++) assert.equal(seen[i], expected[i % KINDS], `call ${i}`);

      const perKind = CALLS / KINDS;
      const c = breaker.counts;
      assert.equal(c.requests, CALLS);
      // Only the clients released with an error are failures; nothing else says the database
      // is unwell.
      assert.equal(c.totalFailures, perKind);
      assert.equal(c.totalSuccesses, CALLS - perKind);

      assert.equal(pool.waitingCount, 0);
      assert.equal(pool.idleCount, pool.totalCount);
      assert.ok(pool.totalCount >= 1 && pool.totalCount <= 4);
      assert.deepEqual(await backends(admin, app), { idle: pool.totalCount });
      const rows = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(rows.rows[0]?.n, 1 + perKind);
    } finally {
      await db.end();
      await admin.query(`DROP TABLE IF EXISTS ${table}`);
      await admin.end();
    }
  });
});
