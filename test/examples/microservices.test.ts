// The microservices example, run for real: gateway -> orders -> payments on loopback. Payments
// degrades; the breaker in orders must open, after which the gateway answers every checkout fast
// (orders accepted, payment pending) and payments gets no request at all; then payments heals and
// the breaker closes. Also: the gateway fails fast with 503 + Retry-After when orders is down,
// bad input is refused naming the field, and main.ts runs its story and exits by itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { request } from 'undici';
import {
  start as startGateway,
  type GatewayService,
} from '../../examples/microservices/gateway.js';
import { start as startOrders, type OrdersService } from '../../examples/microservices/orders.js';
import {
  start as startPayments,
  type PaymentsService,
} from '../../examples/microservices/payments.js';
import { Customers, summarize } from '../../examples/microservices/traffic.js';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

/** Payments' injected latency while degraded, ms (orders gives up after 150 ms anyway). */
const INJECTED_LATENCY = 5_000;
/**
 * Slowest answer allowed while the circuit is open, ms: twenty times below the injected latency.
 * Loopback answers take a few ms; the margin is for a machine busy with other tests. That no
 * answer waited on payments at all is shown exactly, by the reasons and payments' request count.
 */
const FAIL_FAST_BOUND = 250;
const CONCURRENCY = 4;

describe('examples/microservices', () => {
  let payments: PaymentsService;
  let orders: OrdersService;
  let gateway: GatewayService;
  let customers: Customers;
  const closed = new Set<{ close(): Promise<void> }>();
  /** The state of orders' breaker on payments, read afresh (it moves under the test). */
  const paymentsCircuit = (): string => orders.paymentsBreaker.state;

  before(async () => {
    payments = await startPayments({ port: 0 });
    orders = await startOrders({ port: 0, paymentsUrl: payments.url });
    gateway = await startGateway({ port: 0, ordersUrl: orders.url });
    customers = new Customers(gateway.url);
  });

  after(async () => {
    await customers.close();
    for (const service of [gateway, orders, payments]) {
      if (!closed.has(service)) await service.close();
    }
  });

  it('healthy: every checkout is confirmed and charged once', async () => {
    const s = summarize(await customers.checkouts({ requests: 20, concurrency: CONCURRENCY }));
    assert.equal(s.confirmed, 20, JSON.stringify(s));
    assert.equal(s.other + s.pending + s.unavailable, 0, JSON.stringify(s));
    assert.equal(payments.stats.requests, 20);
    assert.equal(payments.stats.charged, 20);
    assert.deepEqual(orders.stats, { orders: 20, confirmed: 20, pending: 0 });
    assert.equal(orders.paymentsBreaker.state, 'closed');
  });

  it('payments degrades: the circuit opens, the gateway answers fast and payments gets nothing', async () => {
    payments.degrade({ latencyMs: INJECTED_LATENCY, errorRate: 0.5 });
    const before = payments.stats.requests;

    // Until the breaker opens, checkouts wait for payments (up to orders' timeout) and fail.
    const degraded = [];
    for (let batch = 0; batch < 5 && paymentsCircuit() !== 'open'; batch++) {
      degraded.push(...(await customers.checkouts({ requests: 4, concurrency: CONCURRENCY })));
    }
    assert.equal(orders.paymentsBreaker.state, 'open', 'the breaker opened within 20 checkouts');
    const d = summarize(degraded);
    assert.equal(
      d.pending,
      d.count,
      `every checkout accepted, payment pending: ${JSON.stringify(d)}`,
    );
    assert.equal(d.reasons.timeout! > 0, true, `slow charges timed out: ${JSON.stringify(d)}`);
    assert.equal(d.reasons['payments-error']! > 0, true, `503s seen: ${JSON.stringify(d)}`);
    const reached = payments.stats.requests - before;
    assert.equal(reached >= 3 && reached <= 3 + CONCURRENCY, true, `payments got ${reached}`);

    // Open: fail fast. 60 checkouts (well within the 1 s open time), none reaching payments.
    const atOpen = payments.stats.requests;
    const open = summarize(await customers.checkouts({ requests: 60, concurrency: CONCURRENCY }));
    assert.equal(orders.paymentsBreaker.state, 'open', 'still open: the batch fit its open time');
    assert.equal(payments.stats.requests, atOpen, 'no request reached payments while open');
    assert.equal(open.pending, 60, JSON.stringify(open));
    assert.deepEqual(open.reasons, { 'circuit-open': 60 });
    assert.equal(
      open.p99 < FAIL_FAST_BOUND && open.max < FAIL_FAST_BOUND,
      true,
      `p99 ${open.p99} ms and max ${open.max} ms < ${FAIL_FAST_BOUND} (payments takes ${INJECTED_LATENCY})`,
    );

    // No pile-up: the slow charges were abandoned when orders timed out, none is left running.
    const p = payments.stats;
    assert.equal(p.inFlight, 0, `payments works on nothing: ${JSON.stringify(p)}`);
    assert.equal(
      p.maxInFlight <= CONCURRENCY,
      true,
      `at most ${CONCURRENCY} at once: ${p.maxInFlight}`,
    );
    assert.equal(
      p.abandoned + p.failed,
      reached,
      `every degraded charge failed: ${JSON.stringify(p)}`,
    );
    // Orders kept answering, so the gateway's own circuit to orders never opened.
    assert.equal(gateway.ordersBreaker.state, 'closed');
    assert.deepEqual(gateway.ordersBreaker.counts.totalFailures, 0);
  });

  it('payments heals: the circuit closes and checkouts are confirmed again', async () => {
    payments.heal();
    const wait = orders.paymentsBreaker.retryAfter;
    assert.equal(wait > 0 && wait <= 1_000, true, `half-open within the 1 s open time: ${wait}`);
    await sleep(wait);
    assert.equal(paymentsCircuit(), 'half-open');
    for (let batch = 0; batch < 5 && paymentsCircuit() !== 'closed'; batch++) {
      await customers.checkouts({ requests: 4, concurrency: CONCURRENCY });
    }
    assert.equal(orders.paymentsBreaker.state, 'closed', 'closed within 20 checkouts');

    const before = payments.stats.requests;
    const s = summarize(await customers.checkouts({ requests: 20, concurrency: CONCURRENCY }));
    assert.equal(s.confirmed, 20, JSON.stringify(s));
    assert.equal(payments.stats.requests - before, 20);
    assert.equal(gateway.ordersBreaker.state, 'closed');
  });

  it('a customer who hangs up cancels the calls made for it, down to payments', async () => {
    payments.degrade({ latencyMs: INJECTED_LATENCY });
    const sent = payments.stats.requests;
    const abandoned = payments.stats.abandoned;
    const ordersCounts = orders.paymentsBreaker.counts;
    const gatewayCounts = gateway.ordersBreaker.counts;
    const hangUp = new Error('customer hung up');
    const controller = new AbortController();
    const call = request(`${gateway.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'book', amount: 12 }),
      signal: controller.signal,
    });
    // Hang up as soon as the charge is at payments: long before orders' 150 ms timeout on it.
    for (let i = 0; i < 500 && payments.stats.inFlight === 0; i++) await sleep(1);
    controller.abort(hangUp);
    await assert.rejects(call, hangUp);
    for (let i = 0; i < 100 && payments.stats.abandoned === abandoned; i++) await sleep(10);
    payments.heal();
    assert.equal(payments.stats.requests - sent, 1, 'the charge reached payments');
    assert.equal(payments.stats.abandoned - abandoned, 1, 'and was abandoned');
    assert.equal(payments.stats.inFlight, 0);
    // Cancelled, not timed out: both breakers record the call as excluded, not as a failure.
    for (const [name, before, after] of [
      ['orders -> payments', ordersCounts, orders.paymentsBreaker.counts],
      ['gateway -> orders', gatewayCounts, gateway.ordersBreaker.counts],
    ] as const) {
      assert.deepEqual(
        [
          after.totalExclusions - before.totalExclusions,
          after.totalFailures - before.totalFailures,
        ],
        [1, 0],
        name,
      );
    }
  });

  it('the admin routes of payments degrade and heal it too', async () => {
    const post = async (path: string, body: unknown): Promise<[number, unknown]> => {
      const res = await request(`${payments.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      return [res.statusCode, await res.body.json()];
    };
    const health = async (): Promise<unknown> => {
      const res = await request(`${payments.url}/health`);
      return ((await res.body.json()) as { status: unknown }).status;
    };
    assert.deepEqual(await post('/admin/degrade', { latencyMs: 300, errorRate: 0.25 }), [
      200,
      { latencyMs: 300, errorRate: 0.25 },
    ]);
    assert.equal(await health(), 'degraded');
    assert.deepEqual(await post('/admin/degrade', { errorRate: 'lots' }), [
      400,
      { error: 'errorRate must be a number 0..1, got "lots"' },
    ]);
    assert.deepEqual(await post('/admin/heal', {}), [200, { latencyMs: 0, errorRate: 0 }]);
    assert.equal(await health(), 'ok');
  });

  it('bad input is refused with 400 naming the field; bad degrade() throws', async () => {
    const res = await request(`${gateway.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'book', amount: -1 }),
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(await res.body.json(), { error: 'amount must be a positive number, got -1' });
    const notJson = await request(`${orders.url}/orders`, { method: 'POST', body: '{oops' });
    assert.equal(notJson.statusCode, 400);
    assert.deepEqual(await notJson.body.json(), { error: 'body must be JSON' });
    assert.throws(() => {
      payments.degrade({ errorRate: 2 });
    }, new RangeError('errorRate must be a number 0..1, got 2'));
    await assert.rejects(
      startPayments({ port: -1 }),
      new RangeError('payments start option port must be an integer 0..65535, got -1'),
    );
  });

  it('orders is down: the gateway answers 503 with Retry-After, at once once its circuit opens', async () => {
    await orders.close();
    closed.add(orders);
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await customers.checkout());
    // consecutiveFailures 5: five refused connections, then the circuit answers by itself.
    assert.deepEqual(
      answers.map((a) => [a.status, a.body.reason, a.retryAfter]),
      [
        ...Array.from({ length: 5 }, () => [503, 'unreachable', '1']),
        ...Array.from({ length: 3 }, () => [503, 'circuit-open', '1']),
      ],
    );
    assert.equal(gateway.ordersBreaker.state, 'open');
    const slowest = Math.max(...answers.map((a) => a.ms));
    assert.equal(slowest < FAIL_FAST_BOUND, true, `every answer fast: ${slowest} ms`);
  });

  it('main.ts tells its story and exits by itself', async () => {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const started = Date.now();
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/microservices/main.ts'],
      { cwd: root, env, timeout: 15_000 },
    );
    assert.equal(stderr, '');
    assert.equal(Date.now() - started < 15_000, true, 'under 15 s');
    const lines = stdout.trimEnd().split('\n');
    const expected = [
      /^gateway -> orders -> payments are up on loopback$/,
      /^healthy: 20 checkouts, 20 confirmed, 0 pending; p99 \d+ ms, max \d+ ms; payments received 20$/,
      /^payments degrades: charges take 2 s, and every second one fails at once$/,
      /^ {2}\[orders\] circuit to payments: closed -> open$/,
      /^degraded: 12 checkouts, 0 confirmed, 12 pending \(.*\); p99 \d+ ms, max \d+ ms; payments received [3-7]$/,
      /^circuit open: 40 checkouts, 0 confirmed, 40 pending \(40 circuit-open\); p99 \d+ ms, max \d+ ms; payments received 0$/,
      /^payments is working on 0 charges; [1-7] slow ones were abandoned by orders$/,
      /^payments heals; the circuit tries again in (0\.\d|1) s$/,
      /^ {2}\[orders\] circuit to payments: open -> half-open$/,
      /^ {2}\[orders\] circuit to payments: half-open -> closed$/,
      /^recovering: 8 checkouts, [1-8] confirmed, [0-7] pending.*; payments received [1-8]$/,
      /^healthy again: 20 checkouts, 20 confirmed, 0 pending; p99 \d+ ms, max \d+ ms; payments received 20$/,
      /^circuits: orders -> payments closed, gateway -> orders closed$/,
    ];
    assert.equal(lines.length, expected.length, stdout);
    expected.forEach((pattern, i) => {
      assert.match(lines[i] ?? '', pattern, `line ${i + 1} of:\n${stdout}`);
    });
  });
});
