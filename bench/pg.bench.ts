// The PostgreSQL adapter on the machine's server: queries per second through guardPool against
// the bare pool (target >= 0.95x), and how long a query takes to fail while PostgreSQL is down:
// guardPool's open breaker (target: median under 50 µs) against the bare pool, which has to try
// a connection (refused at once on a closed port, or the whole connectionTimeoutMillis when the
// host does not answer).
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { CircuitBreaker } from '../src/index.js';
import { guardPool } from '../src/adapters/pg/index.js';
import { formatNs, gc, printTable } from './harness.js';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
/** Clients in the pool, and callers issuing queries at once. */
const POOL_SIZE = 10;
const CONCURRENCY = 20;
/** Queries per timed round; rounds per contender (interleaved, best kept). */
const QUERIES = 20_000;
const ROUNDS = 5;
const REJECT_SAMPLES = 20_000;
const REFUSED_SAMPLES = 200;
const BLACKHOLE_TIMEOUT = 1_000;
const BLACKHOLE_SAMPLES = 3;

const QPS_TARGET = 0.95;
const REJECT_TARGET_NS = 50_000;

type Runner = (sql: string, values: unknown[]) => Promise<unknown>;

/** Runs `total` queries with CONCURRENCY callers; returns queries per second. */
async function throughput(run: Runner, total: number): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      await run('SELECT $1::int AS n', [next]);
    }
  };
  gc();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return total / seconds;
}

/** Per-call durations in ns of `samples` sequential failing calls. */
async function failTimes(call: () => Promise<unknown>, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await call().then(
      () => {
        throw new Error('the call was expected to fail');
      },
      () => undefined,
    );
    times.push(Number(process.hrtime.bigint() - start));
  }
  return times.sort((a, b) => a - b);
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

const duration = (ns: number): string =>
  ns >= 1e9
    ? `${(ns / 1e9).toFixed(2)} s`
    : ns >= 1e6
      ? `${(ns / 1e6).toFixed(2)} ms`
      : ns >= 1e3
        ? `${(ns / 1e3).toFixed(1)} µs`
        : `${formatNs(ns)} ns`;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

async function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(PG.port, PG.host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function measureThroughput(): Promise<string[][]> {
  const pool = new pg.Pool({ ...PG, max: POOL_SIZE, application_name: 'breakwater-bench' });
  const db = guardPool(pool, new CircuitBreaker({ name: 'bench' }));
  const bare: Runner = (sql, values) => pool.query(sql, values);
  const guarded: Runner = (sql, values) => db.query(sql, values);
  try {
    // Warm-up: fill the pool and let V8 optimize both paths.
    await throughput(bare, QUERIES / 4);
    await throughput(guarded, QUERIES / 4);
    const best = { bare: 0, guarded: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const order: (keyof typeof best)[] =
        round % 2 === 0 ? ['bare', 'guarded'] : ['guarded', 'bare'];
      for (const label of order) {
        const qps = await throughput(label === 'bare' ? bare : guarded, QUERIES);
        best[label] = Math.max(best[label], qps);
      }
    }
    if (db.breaker.counts.totalFailures !== 0) throw new Error('queries failed during the bench');
    const ratio = best.guarded / best.bare;
    return [
      ['bare pool.query', best.bare.toFixed(0), '1.00x', '', ''],
      [
        'guardPool(pool).query',
        best.guarded.toFixed(0),
        `${ratio.toFixed(2)}x`,
        `>= ${QPS_TARGET}x`,
        ratio >= QPS_TARGET ? 'PASS' : 'MISS',
      ],
    ];
  } finally {
    await db.end();
  }
}

async function measureDown(): Promise<string[][]> {
  const port = await closedPort();
  // guardPool, breaker open after real failures on the closed port.
  const downPool = new pg.Pool({ ...PG, port, connectionTimeoutMillis: BLACKHOLE_TIMEOUT });
  const db = guardPool(downPool, new CircuitBreaker({ name: 'bench-down', timeout: 3_600_000 }));
  while (db.breaker.state !== 'open') await db.query('SELECT 1').catch(() => undefined);
  await failTimes(() => db.query('SELECT 1'), REJECT_SAMPLES / 4);
  const rejected = await failTimes(() => db.query('SELECT 1'), REJECT_SAMPLES);
  const state: string = db.breaker.state;
  if (state !== 'open' || downPool.totalCount !== 0) throw new Error('the pool was touched');
  await db.end();

  // The bare pool on the same closed port: every query tries a connection, refused at once.
  const refusedPool = new pg.Pool({ ...PG, port, connectionTimeoutMillis: BLACKHOLE_TIMEOUT });
  const refused = await failTimes(() => refusedPool.query('SELECT 1'), REFUSED_SAMPLES);
  await refusedPool.end();

  // The bare pool against a host that accepts and never answers: connectionTimeoutMillis.
  const sockets = new Set<Socket>();
  const blackhole = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const blackholePort = await listen(blackhole);
  const silentPool = new pg.Pool({
    ...PG,
    port: blackholePort,
    connectionTimeoutMillis: BLACKHOLE_TIMEOUT,
  });
  const silent = await failTimes(() => silentPool.query('SELECT 1'), BLACKHOLE_SAMPLES);
  await silentPool.end();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) =>
    blackhole.close(() => {
      resolve();
    }),
  );

  const median = quantile(rejected, 0.5);
  return [
    [
      'guardPool, breaker open',
      String(REJECT_SAMPLES),
      duration(median),
      duration(quantile(rejected, 0.99)),
      `< ${duration(REJECT_TARGET_NS)}`,
      median < REJECT_TARGET_NS ? 'PASS' : 'MISS',
    ],
    [
      'bare pool, port closed (refused)',
      String(REFUSED_SAMPLES),
      duration(quantile(refused, 0.5)),
      duration(quantile(refused, 0.99)),
      '',
      '',
    ],
    [
      `bare pool, no answer (connectionTimeoutMillis ${BLACKHOLE_TIMEOUT})`,
      String(BLACKHOLE_SAMPLES),
      duration(quantile(silent, 0.5)),
      duration(quantile(silent, 0.99)),
      '',
      '',
    ],
  ];
}

export async function run(): Promise<void> {
  console.log('## PostgreSQL adapter (breakwater/pg) on the real server\n');
  if (!(await reachable())) {
    console.log(`skipped: PostgreSQL is not reachable on ${PG.host}:${PG.port}`);
    return;
  }
  console.log(
    `Throughput: ${CONCURRENCY} concurrent callers, pool of ${POOL_SIZE}, 'SELECT $1::int', ` +
      `${QUERIES} queries per round, best of ${ROUNDS} interleaved rounds.\n`,
  );
  printTable(['case', 'queries/s', 'ratio', 'target', ''], await measureThroughput());
  console.log(
    '\nA query while PostgreSQL is down (sequential calls, time until the promise settles):\n',
  );
  printTable(['case', 'samples', 'median', 'p99', 'target', ''], await measureDown());
}
