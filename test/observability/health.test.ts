import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { livez, readyz } from '../../src/observability/health/index.js';
import { fromBreakers } from '../../src/manager/source.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { listen, request, type TestServer } from './helpers/http.js';

const JSON_ACCEPT = { headers: { accept: 'application/health+json' } };

describe('health handlers over HTTP', () => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  const make = (name: string): CircuitBreaker =>
    new CircuitBreaker({ name, clock, timeout: 30_000, readyToTrip: () => true });
  const db = make('db');
  const search = make('search');
  const source = fromBreakers(db, search);
  let shuttingDown = false;
  const live = livez({ checks: { shutdown: () => !shuttingDown || 'shutting down' }, clock });
  const ready = readyz(source, { critical: ['db'], clock, serviceId: 'orders', version: '1' });
  let server: TestServer;

  const trip = async (b: CircuitBreaker): Promise<void> => {
    await assert.rejects(b.execute(() => Promise.reject(new Error('down'))));
    assert.equal(b.state, 'open');
  };

  before(async () => {
    server = await listen((req, res) => {
      if (req.url?.startsWith('/livez')) live(req, res);
      else if (req.url?.startsWith('/readyz')) ready(req, res);
      else res.writeHead(404).end();
    });
  });
  after(() => server.close());

  it('serves ok while every breaker is closed, with one line per breaker when verbose', async () => {
    let r = await request(`${server.url}/readyz`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.body, 'ok\n');
    r = await request(`${server.url}/readyz?verbose`);
    assert.equal(r.body, '[+]db ok\n[+]search ok\nreadyz check passed\n');
  });

  it('stays ready with a non-critical breaker open, and says so as a warning', async () => {
    await trip(search);
    clock.advance(1500);
    let r = await request(`${server.url}/readyz?verbose`);
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      '[+]db ok\n[+]search ok: circuit open, retry in 29s (not critical)\nreadyz check passed\n',
    );
    r = await request(`${server.url}/readyz`, JSON_ACCEPT);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/health+json');
    const body = JSON.parse(r.body) as { status: string; checks: Record<string, unknown> };
    assert.equal(body.status, 'warn');
    assert.deepEqual(body.checks['search:circuit'], [
      {
        componentId: 'search',
        componentType: 'circuit-breaker',
        status: 'warn',
        time: '2030-01-01T00:00:01.500Z',
        observedValue: 'open',
        output: 'circuit open, retry in 29s (not critical)',
        critical: false,
        counts: {
          requests: 0,
          totalSuccesses: 0,
          totalFailures: 0,
          totalExclusions: 0,
          consecutiveSuccesses: 0,
          consecutiveFailures: 0,
        },
        retryAfterMs: 28_500,
      },
    ]);
  });

  it('fails readiness only when a critical breaker is open, in every view', async () => {
    await db.execute(() => 1);
    let r = await request(`${server.url}/readyz`, JSON_ACCEPT);
    assert.deepEqual(
      (JSON.parse(r.body) as { checks: Record<string, [{ counts: unknown }]> }).checks[
        'db:circuit'
      ]?.[0].counts,
      {
        requests: 1,
        totalSuccesses: 1,
        totalFailures: 0,
        totalExclusions: 0,
        consecutiveSuccesses: 1,
        consecutiveFailures: 0,
      },
    );
    await trip(db);
    r = await request(`${server.url}/readyz`);
    assert.equal(r.status, 503);
    assert.equal(r.body, '[-]db failed: reason withheld\nreadyz check failed\n');
    r = await request(`${server.url}/readyz?verbose=1`);
    assert.equal(r.status, 503);
    assert.equal(
      r.body,
      '[-]db failed: circuit open, retry in 30s\n' +
        '[+]search ok: circuit open, retry in 29s (not critical)\nreadyz check failed\n',
    );
    r = await request(`${server.url}/readyz`, JSON_ACCEPT);
    assert.equal(r.status, 503);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['status', 'serviceId', 'version', 'output', 'checks']);
    assert.equal(body.status, 'fail');
    assert.equal(body.output, 'failed: db');
    assert.deepEqual(Object.keys(body.checks as object), ['db:circuit', 'search:circuit']);
    const dbCheck = (body.checks as Record<string, [Record<string, unknown>]>)['db:circuit']![0];
    assert.equal(dbCheck.status, 'fail');
    assert.equal(dbCheck.critical, true);
    assert.equal(dbCheck.observedValue, 'open');
    assert.equal(dbCheck.output, 'circuit open, retry in 30s');
    // ?exclude skips a check; HEAD gets the status without a body.
    r = await request(`${server.url}/readyz?exclude=db&verbose`);
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      '[+]search ok: circuit open, retry in 29s (not critical)\nreadyz check passed\n',
    );
    r = await request(`${server.url}/readyz`, { method: 'HEAD' });
    assert.equal(r.status, 503);
    assert.equal(r.body, '');
  });

  it('never fails liveness because of a breaker, only because of its own checks', async () => {
    assert.equal(db.state, 'open');
    let r = await request(`${server.url}/livez?verbose`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '[+]shutdown ok\nlivez check passed\n');
    r = await request(`${server.url}/livez`, JSON_ACCEPT);
    assert.deepEqual(JSON.parse(r.body), {
      status: 'pass',
      checks: {
        shutdown: [
          {
            componentId: 'shutdown',
            componentType: 'check',
            status: 'pass',
            time: '2030-01-01T00:00:01.500Z',
          },
        ],
      },
    });
    shuttingDown = true;
    r = await request(`${server.url}/livez?verbose`);
    assert.equal(r.status, 503);
    assert.equal(r.body, '[-]shutdown failed: shutting down\nlivez check failed\n');
    shuttingDown = false;
  });

  it('reports half-open as a warning that keeps the instance ready', async () => {
    clock.advance(30_000);
    const r = await request(`${server.url}/readyz?verbose`);
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      '[+]db ok: circuit half-open, probing\n[+]search ok: circuit half-open, probing\nreadyz check passed\n',
    );
  });

  it('answers other methods with 405', async () => {
    const r = await request(`${server.url}/readyz`, { method: 'POST' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
  });
});

describe('readyz options', () => {
  it('takes a predicate for critical, and a forced-open breaker fails without a retry time', async () => {
    const b = new CircuitBreaker({ name: 'pg' });
    b.forceOpen();
    const ready = readyz(b, { critical: (x) => x.name.startsWith('p') });
    const report = await ready.report();
    assert.equal(report.status, 'fail');
    assert.equal(report.checks[0]!.output, 'circuit forced open');
    assert.equal(report.checks[0]!.retryAfter, undefined);
    assert.equal((await readyz([b]).report()).status, 'warn');
  });

  it('fails a custom check that throws, with its message', async () => {
    const ready = readyz([], {
      checks: {
        warmup: () => {
          throw new Error('cache not loaded');
        },
      },
    });
    const report = await ready.report();
    assert.deepEqual(report.checks, [
      { name: 'warmup', componentType: 'check', status: 'fail', output: 'cache not loaded' },
    ]);
  });

  it('rejects bad options, naming the field', () => {
    assert.throws(() => readyz([], { critical: 'db' as never }), {
      name: 'TypeError',
      message: 'readyz: option critical must be an array of breaker names or a function, got "db"',
    });
    assert.throws(() => readyz([], { critical: ['db', 3] as never }), {
      name: 'TypeError',
      message: 'readyz: option critical[1] must be a breaker name, got 3',
    });
    assert.throws(() => readyz([], { critcal: [] } as never), {
      name: 'TypeError',
      message:
        'readyz: unknown option "critcal" (known: critical, checks, clock, description, serviceId, version, releaseId)',
    });
    assert.throws(() => livez({ checks: { x: 1 } } as never), {
      name: 'TypeError',
      message: 'livez: option checks.x must be a function, got 1',
    });
    assert.throws(() => readyz(42 as never), {
      name: 'TypeError',
      message:
        'readyz(target): expected a CircuitBreaker, an array of them or a BreakerSource, got 42',
    });
  });
});
