// A pg pool behind a circuit breaker.
//   node --import tsx examples/pg/guarded-pool.ts
// Needs PostgreSQL (PGHOST/PGPORT/PGUSER/PGDATABASE, default 127.0.0.1:5432 postgres/test).
// In an application the import is `from 'breakwater/pg'`.
import pg from 'pg';
import { BreakerOpenError } from '../../src/index.js';
import { guardPool, PoolExhaustedError } from '../../src/adapters/pg/index.js';

const config: pg.PoolConfig = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
};

const db = guardPool(
  new pg.Pool({ ...config, max: 4 }),
  { name: 'orders-db', timeout: 5_000, readyToTrip: (c) => c.consecutiveFailures >= 3 },
  { acquireTimeout: 1_000 },
);
db.breaker.onTransition((e) => {
  console.log(`breaker ${e.name}: ${e.from} -> ${e.to} (${e.reason})`);
});
db.breaker.onCall((e) => {
  if (e.error instanceof PoolExhaustedError) console.log(`pool exhausted: ${e.error.message}`);
});

const table = `example_orders_${process.pid}`;
try {
  await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, total numeric NOT NULL)`);

  const id = await db.transaction(async (client) => {
    await client.query(`INSERT INTO ${table} VALUES ($1, $2)`, [1, 42.5]);
    return 1;
  });
  console.log(`order ${id} inserted`);

  // The caller's own SQL error: it reaches the caller, and says nothing about the database.
  const duplicate = await db.query(`INSERT INTO ${table} VALUES (1, 1)`).catch((e: unknown) => e);
  console.log(
    `duplicate order refused: ${(duplicate as { code?: string }).code ?? '?'} (breaker ${db.breaker.state})`,
  );
} finally {
  await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.end();
}

// A replica that is down: three failures open the breaker, then calls fail at once, without
// waiting for a connection.
const replica = guardPool(new pg.Pool({ ...config, port: 1, connectionTimeoutMillis: 2_000 }), {
  name: 'replica',
  readyToTrip: (c) => c.consecutiveFailures >= 3,
});
replica.breaker.onTransition((e) => {
  console.log(`breaker ${e.name}: ${e.from} -> ${e.to} (${e.reason})`);
});
for (let i = 0; i < 3; i++) {
  const error = await replica.query('SELECT 1').catch((e: unknown) => e);
  console.log(`replica query ${i + 1}: ${(error as { code?: string }).code ?? String(error)}`);
}
const started = performance.now();
let rejected = 0;
for (let i = 0; i < 1_000; i++) {
  await replica.query('SELECT 1').catch((e: unknown) => {
    if (e instanceof BreakerOpenError) rejected++;
  });
}
const micros = ((performance.now() - started) * 1000) / 1_000;
console.log(
  `replica: ${rejected} of 1000 queries rejected while open, ${micros.toFixed(1)} µs each`,
);
await replica.end();
