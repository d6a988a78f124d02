// The dashboard handler on a real HTTP server on loopback: the page, the JSON snapshot and the
// event stream, with time and the stream's timers on a ManualClock.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { dashboard, fromBreakers, type DashboardSnapshot } from '../../src/dashboard/index.js';
import type { DashboardHandler } from '../../src/dashboard/dashboard.js';
import { CircuitBreakerManager } from '../../src/manager/manager.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { openEvents } from './sse-client.js';

const servers: Server[] = [];
after(async () => {
  await Promise.all(
    servers.map(async (s) => {
      s.closeAllConnections();
      s.close();
      if (s.listening) await once(s, 'close');
    }),
  );
});

async function serve(board: DashboardHandler): Promise<string> {
  const server = createServer((req, res) => {
    board(req, res);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(url: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits (real time, bounded) until `check` holds: the server sees a closed socket later. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(options: { names?: string[]; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock(100_000);
  const breakers = (options.names ?? ['payments']).map(
    (name) =>
      new CircuitBreaker({
        name,
        clock,
        window: { kind: 'count', size: 10 },
        failureRateThreshold: 50,
        minimumCalls: 4,
        timeout: 5000,
        maxRequests: 2,
      }),
  );
  return { clock, breakers };
}

const ok = () => 'ok';
const boom = () => {
  throw new Error('boom');
};

describe('dashboard handler', () => {
  it('serves the page with its title escaped, HEAD without a body, and 405 / 404', async () => {
    const { clock, breakers } = setup();
    const board = dashboard(breakers, { clock, title: 'ops & <co>' });
    const base = await serve(board);

    const page = await call(`${base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.ok(page.body.includes('<h1 id="title">ops &amp; &lt;co&gt;</h1>'));
    assert.equal((await call(`${base}/index.html?x=1`)).body, page.body);

    const head = await call(`${base}/`, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(page.body)));

    const post = await call(`${base}/api/snapshot`, 'POST');
    assert.deepEqual([post.status, post.headers.allow], [405, 'GET, HEAD']);
    const missing = await call(`${base}/events/x`);
    assert.deepEqual([missing.status, missing.body], [404, 'not found\n']);
    board.close();
  });

  it('passes other paths to next() when mounted with one', () => {
    const { clock, breakers } = setup();
    const board = dashboard(breakers, { clock });
    let nexts = 0;
    board({ url: '/other', method: 'GET' } as never, {} as never, () => nexts++);
    assert.equal(nexts, 1);
    board.close();
  });

  it('serves the full snapshot as JSON', async () => {
    const { clock, breakers } = setup();
    const [payments] = breakers;
    assert.ok(payments);
    const board = dashboard(fromBreakers(breakers), {
      clock,
      title: 'ops',
      historyWindow: 10_000,
      describe: (b) => `${b.name} in dc-1`,
      links: [{ label: 'metrics', href: '/metrics' }],
    });
    for (const fn of [ok, ok, ok, boom]) {
      await payments.tryExecute(fn);
      clock.advance(100);
    }
    clock.set(101_500);
    const reply = await call(`${await serve(board)}/api/snapshot`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(reply.headers['cache-control'], 'no-store');
    const empty = { ok: 0, failed: 0, rejected: 0, excluded: 0, slow: 0 };
    const expected: DashboardSnapshot = {
      version: 1,
      kind: 'snapshot',
      title: 'ops',
      at: 101_500,
      resolution: 1000,
      historyWindow: 10_000,
      lastSeq: 0,
      fleet: {
        total: 1,
        closed: 1,
        halfOpen: 0,
        open: 0,
        cascade: {
          active: false,
          open: 0,
          total: 1,
          share: 0,
          services: [],
          threshold: 50,
          minimumOpen: 2,
          source: 'dashboard',
        },
      },
      breakers: [
        {
          id: 'payments',
          name: 'payments',
          detail: 'payments in dc-1',
          state: 'closed',
          forced: null,
          retryAfter: 0,
          failureRate: 0.25,
          slowCallRate: -1,
          counts: {
            requests: 4,
            totalSuccesses: 3,
            totalFailures: 1,
            totalExclusions: 0,
            consecutiveSuccesses: 0,
            consecutiveFailures: 1,
          },
          rules: {
            failureRateThreshold: 50,
            slowCallRateThreshold: null,
            slowCallDuration: null,
            minimumCalls: 4,
            maxRequests: 2,
            timeout: 5000,
            callTimeout: null,
            summary: 'trips at 50% failures of the last 10 calls; open 5s, then 2 probes',
          },
          totals: { calls: 4, ok: 3, failed: 1, rejected: 0, excluded: 0, slow: 0 },
          since: 100_000,
          history: {
            from: 100_000,
            points: [
              { t: 100_000, ...empty, ok: 3, failed: 1, state: 'closed' },
              { t: 101_000, ...empty, state: 'closed' },
            ],
          },
          transitions: [],
          panels: [],
        },
      ],
      links: [{ label: 'metrics', href: '/metrics' }],
    };
    assert.deepEqual(JSON.parse(reply.body), expected);
    assert.deepEqual(board.snapshot(), expected);
    board.close();
  });

  it('streams a snapshot, an update per interval, transitions and the cascade as they happen', async () => {
    const { clock, breakers } = setup({ names: ['payments', 'search'] });
    const [payments, search] = breakers;
    assert.ok(payments && search);
    const board = dashboard(breakers, { clock, heartbeatInterval: 2500 });
    const base = await serve(board);
    assert.equal(clock.pendingTimers, 0, 'no timer before a client connects');

    const client = await openEvents(`${base}/events`);
    assert.equal(client.response.statusCode, 200);
    assert.equal(client.response.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(client.response.headers['x-accel-buffering'], 'no');
    const first = JSON.parse((await client.next()).data) as DashboardSnapshot;
    assert.deepEqual(client.fields, ['retry: 2000']);
    assert.equal(first.kind, 'snapshot');
    assert.deepEqual(
      first.breakers.map((b) => b.id),
      ['payments', 'search'],
    );
    assert.equal(board.clients, 1);
    assert.equal(clock.pendingTimers, 2, 'the update and heartbeat timers');

    // A transition is pushed at once, and an update taken after it follows at once (the page
    // renders from that one snapshot), not with the next interval.
    for (const fn of [boom, boom, boom, boom]) await payments.tryExecute(fn);
    const trip = await client.next();
    assert.equal(trip.event, 'transition');
    assert.deepEqual(JSON.parse(trip.data), {
      seq: 1,
      id: 'payments',
      name: 'payments',
      from: 'closed',
      to: 'open',
      reason: 'tripped',
      at: 100_000,
    });
    const after = await client.next();
    assert.equal(after.event, 'update');
    const afterTrip = JSON.parse(after.data) as DashboardSnapshot;
    assert.deepEqual(
      [afterTrip.lastSeq, afterTrip.fleet.open, afterTrip.fleet.cascade.open],
      [1, 1, 1],
    );
    assert.deepEqual(
      afterTrip.breakers.map((b) => b.state),
      ['open', 'closed'],
    );

    // The second open breaker of two is a cascade (default rule: above 50 %, at least 2).
    search.forceOpen();
    assert.equal((await client.next()).event, 'transition');
    const cascade = await client.next();
    assert.equal(cascade.event, 'cascade');
    assert.deepEqual(JSON.parse(cascade.data), {
      active: true,
      open: 2,
      total: 2,
      share: 1,
      services: ['payments', 'search'],
      threshold: 50,
      minimumOpen: 2,
      source: 'dashboard',
    });
    const afterCascade = await client.next();
    assert.equal(afterCascade.event, 'update');
    assert.equal((JSON.parse(afterCascade.data) as DashboardSnapshot).fleet.cascade.active, true);

    clock.advance(1000);
    const update = JSON.parse((await client.nextOf('update')).data) as DashboardSnapshot;
    assert.equal(update.kind, 'update');
    assert.equal(update.at, 101_000);
    assert.equal(update.lastSeq, 2);
    assert.deepEqual(
      update.breakers.map((b) => [b.id, b.state, b.forced, b.retryAfter]),
      [
        ['payments', 'open', null, 4000],
        ['search', 'open', 'open', null],
      ],
    );
    const history = update.breakers[0]?.history;
    assert.deepEqual(
      history?.points.map((p) => [p.t, p.failed, p.state]),
      [
        [100_000, 4, 'open'],
        [101_000, 0, 'open'],
      ],
    );
    assert.deepEqual(update.breakers[0]?.transitions, [], 'updates carry no transitions');
    assert.equal(update.fleet.cascade.active, true);

    clock.advance(1500);
    await client.nextOf('update');
    await until(() => client.comments.length > 0, 'the heartbeat');
    assert.deepEqual(client.comments, ['heartbeat']);

    // A client that goes away takes the timers with it.
    client.close();
    await until(() => board.clients === 0, 'the server to see the client leave');
    assert.equal(clock.pendingTimers, 0);
    board.close();
  });

  it("pushes a manager's own cascade signal, labelled with the settings it was given", async () => {
    const clock = new ManualClock(100_000);
    const manager = new CircuitBreakerManager({ clock, cascadeThreshold: 40 });
    for (const name of ['a', 'b', 'c']) manager.get(name);
    const board = dashboard(manager, { clock, cascadeThreshold: 40 });
    const client = await openEvents(`${await serve(board)}/events`);
    const first = JSON.parse((await client.next()).data) as DashboardSnapshot;
    assert.deepEqual(
      first.breakers.map((b) => b.name),
      ['a', 'b', 'c'],
    );
    manager.get('a').forceOpen();
    manager.get('b').forceOpen(); // 2 of 3 is above 40 %
    const cascade = await client.nextOf('cascade');
    assert.deepEqual(JSON.parse(cascade.data), {
      active: true,
      open: 2,
      total: 3,
      share: 2 / 3,
      services: ['a', 'b'],
      threshold: 40,
      minimumOpen: 2,
      source: 'manager',
    });
    // A breaker the manager makes later shows up in the next snapshot.
    manager.get('d');
    assert.deepEqual(
      board.snapshot().breakers.map((b) => b.name),
      ['a', 'b', 'c', 'd'],
    );
    client.close();
    board.close();
    manager.close();
  });

  it('refuses clients beyond maxClients, and ends every stream on close()', async () => {
    const { clock, breakers } = setup();
    const board = dashboard(breakers, { clock, maxClients: 1 });
    const base = await serve(board);
    const client = await openEvents(`${base}/events`);
    await client.next();
    const refused = await call(`${base}/events`);
    assert.deepEqual(
      [refused.status, refused.headers['retry-after'], refused.body],
      [503, '5', 'too many dashboard clients\n'],
    );
    board.close();
    await client.ended;
    assert.equal(board.clients, 0);
    assert.equal(clock.pendingTimers, 0);
    const later = await call(`${base}/events`);
    assert.deepEqual([later.status, later.body], [503, 'dashboard closed\n']);
    board.close();
  });

  it('sends names as data only: a hostile name is JSON in the stream and absent from the page', async () => {
    const hostile = '</script><img src=x onerror="alert(1)">';
    const { clock, breakers } = setup({ names: [hostile, hostile] });
    const board = dashboard(breakers, { clock });
    const base = await serve(board);
    const page = await call(`${base}/`);
    assert.equal(page.body.includes('<img'), false);
    const snapshot = JSON.parse((await call(`${base}/api/snapshot`)).body) as DashboardSnapshot;
    // Two breakers of one name get distinct ids.
    assert.deepEqual(
      snapshot.breakers.map((b) => [b.id, b.name]),
      [
        [hostile, hostile],
        [`${hostile} (2)`, hostile],
      ],
    );
    board.close();
  });

  it('follows a source: breakers added and removed come and go', async () => {
    const { clock, breakers } = setup({ names: ['a', 'b'] });
    const [a, b] = breakers;
    assert.ok(a && b);
    const source = fromBreakers(a);
    const board = dashboard(source, { clock });
    const names = () => board.snapshot().breakers.map((v) => v.name);
    assert.deepEqual(names(), ['a']);
    source.add(b);
    assert.deepEqual(names(), ['a', 'b']);
    source.remove(a);
    assert.deepEqual(names(), ['b']);
    board.close();
  });
});
