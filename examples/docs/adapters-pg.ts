import pg from 'pg';
import { BreakerOpenError } from '../../src/index.js';
import { guardPool, PoolExhaustedError } from '../../src/adapters/pg/index.js';

const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const db = guardPool(
  new pg.Pool({ ...config, max: 2 }),
  { name: 'orders-db', timeout: 10_000, readyToTrip: (c) => c.consecutiveFailures >= 3 },
  { acquireTimeout: 200 }, // longest wait for a client from the pool, ms
);
const table = `docs_orders_${process.pid}`;
await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, total numeric NOT NULL)`);

// BEGIN, fn, COMMIT; ROLLBACK and rethrow on any error; the client is always released.
await db.transaction(async (client) => {
  await client.query(`INSERT INTO ${table} VALUES ($1, $2)`, [1, 42.5]);
});
const { rows } = await db.query<{ total: string }>(`SELECT total FROM ${table} WHERE id = $1`, [1]);
console.log(`order 1: ${rows[0]?.total}`);

// Our own SQL mistakes reach us, and count as successes: the database answered.
for (const sql of [`INSERT INTO ${table} VALUES (1, 1)`, 'SELEC 1', `SELECT 1/0`]) {
  const error = (await db.query(sql).catch((e: unknown) => e)) as { code: string };
  console.log(
    `${error.code}: breaker ${db.breaker.state}, ${db.breaker.counts.totalFailures} failures`,
  );
}

// Pool exhaustion is a failure, told apart from a database that is down.
const held = await Promise.all([db.connect(), db.connect()]); // both clients lent out
const exhausted = await db.query('SELECT 1').catch((e: unknown) => e);
if (exhausted instanceof PoolExhaustedError) console.log(`${exhausted.code}: ${exhausted.message}`);
for (const client of held) client.release();

await db.query(`DROP TABLE ${table}`);
await db.end();

// A database that is down: three failures open the breaker; then calls fail at once, and
// nothing asks the pool for a connection.
const replica = guardPool(new pg.Pool({ ...config, port: 1 }), {
  name: 'replica',
  readyToTrip: (c) => c.consecutiveFailures >= 3,
});
for (let i = 0; i < 4; i++) {
  const error = (await replica.query('SELECT 1').catch((e: unknown) => e)) as Error & {
    code?: string;
  };
  const kind =
    error instanceof BreakerOpenError
      ? `BreakerOpenError, ${replica.totalCount} connections`
      : error.code;
  console.log(`replica query ${i + 1}: ${kind}`);
}
await replica.end();
