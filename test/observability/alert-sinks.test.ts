import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import {
  AlertManager,
  alertmanagerSink,
  slackSink,
  webhookSink,
} from '../../src/observability/alerts/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

const T0 = Date.UTC(2030, 0, 1);

function tripping(name: string, clock: ManualClock): CircuitBreaker {
  return new CircuitBreaker({ name, clock, timeout: 1000, readyToTrip: () => true });
}

async function trip(b: CircuitBreaker): Promise<void> {
  await assert.rejects(b.execute(() => Promise.reject(new Error('down'))));
}

describe('alert sinks against a real HTTP receiver', () => {
  let rx: Receiver;
  before(async () => {
    rx = await startReceiver();
  });
  after(() => rx.close());

  it('posts Alertmanager webhook payloads (version 4) to a generic webhook', async () => {
    rx.received.length = 0;
    rx.answer = () => ({ status: 200 });
    const clock = new ManualClock(T0);
    const b = tripping('payments', clock);
    const alerts = new AlertManager({
      sinks: [webhookSink(`${rx.url}/hook`, { headers: { authorization: 'Bearer t' } })],
      source: b,
      clock,
      labels: { service: 'checkout' },
      rules: { stuckOpenAfter: false, flap: false },
    });
    await trip(b);
    await rx.waitFor(1);
    const [req] = rx.received;
    assert.equal(req!.method, 'POST');
    assert.equal(req!.path, '/hook');
    assert.equal(req!.headers['content-type'], 'application/json');
    assert.equal(req!.headers.authorization, 'Bearer t');
    const labels = {
      service: 'checkout',
      alertname: 'CircuitBreakerOpen',
      name: 'payments',
      severity: 'warning',
    };
    const annotations = {
      summary: 'Circuit breaker payments is open',
      description:
        'Circuit breaker "payments" went from closed to open (tripped) after 1 failure(s) and 0 success(es) in its counts. Calls to it fail fast until a probe succeeds.',
    };
    const body = req!.body as { alerts: { fingerprint: string }[] };
    assert.match(body.alerts[0]!.fingerprint, /^[0-9a-f]{16}$/);
    assert.deepEqual(body, {
      version: '4',
      groupKey: `{}:${JSON.stringify(labels)}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'breakwater',
      groupLabels: {},
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: '',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations,
          startsAt: '2030-01-01T00:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: body.alerts[0]!.fingerprint,
        },
      ],
    });
    clock.advance(1000);
    await b.execute(() => 1);
    await rx.waitFor(2);
    const resolved = rx.received[1]!.body as { status: string; alerts: Record<string, unknown>[] };
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.alerts[0]!.endsAt, '2030-01-01T00:00:01.000Z');
    assert.equal(resolved.alerts[0]!.fingerprint, body.alerts[0]!.fingerprint);
    await alerts.close();
  });

  it('pushes to Alertmanager /api/v2/alerts and re-sends what still fires', async () => {
    rx.received.length = 0;
    const clock = new ManualClock(T0);
    const b = tripping('search', clock);
    const alerts = new AlertManager({
      sinks: [
        alertmanagerSink(rx.url, { repeatInterval: 30_000, generatorURL: 'http://svc/breakers' }),
      ],
      source: b,
      clock,
      rules: { stuckOpenAfter: false, flap: false },
    });
    await trip(b);
    await rx.waitFor(1);
    assert.equal(rx.received[0]!.path, '/api/v2/alerts');
    assert.deepEqual(rx.received[0]!.body, [
      {
        labels: { alertname: 'CircuitBreakerOpen', name: 'search', severity: 'warning' },
        annotations: {
          summary: 'Circuit breaker search is open',
          description:
            'Circuit breaker "search" went from closed to open (tripped) after 1 failure(s) and 0 success(es) in its counts. Calls to it fail fast until a probe succeeds.',
        },
        startsAt: '2030-01-01T00:00:00.000Z',
        generatorURL: 'http://svc/breakers',
      },
    ]);
    await alerts.settled();
    clock.advance(30_000);
    await rx.waitFor(2);
    assert.deepEqual(rx.received[1]!.body, rx.received[0]!.body);
    await alerts.settled();
    await b.execute(() => 1);
    await rx.waitFor(3);
    const [resolved] = rx.received[2]!.body as Record<string, unknown>[];
    assert.equal(resolved!.endsAt, '2030-01-01T00:00:30.000Z');
    await alerts.settled();
    // Nothing fires: nothing more is re-sent.
    clock.advance(60_000);
    await alerts.settled();
    assert.equal(rx.received.length, 3);
    await alerts.close();
  });

  it('posts Slack-style text', async () => {
    rx.received.length = 0;
    const clock = new ManualClock(T0);
    const b = tripping('users', clock);
    const alerts = new AlertManager({
      sinks: [slackSink(`${rx.url}/services/T/B/X`, { username: 'breakwater' })],
      source: b,
      clock,
      rules: { stuckOpenAfter: false, flap: false },
    });
    await trip(b);
    await rx.waitFor(1);
    assert.deepEqual(rx.received[0]!.body, {
      username: 'breakwater',
      text:
        ':rotating_light: *[FIRING:warning] Circuit breaker users is open*\n' +
        'Circuit breaker "users" went from closed to open (tripped) after 1 failure(s) and 0 success(es) in its counts. Calls to it fail fast until a probe succeeds.',
    });
    b.reset();
    await rx.waitFor(2);
    assert.deepEqual(rx.received[1]!.body, {
      username: 'breakwater',
      text: ':white_check_mark: *[RESOLVED] Circuit breaker users is open*',
    });
    await alerts.close();
  });

  it('retries 500 and 429 (after Retry-After) until the receiver takes it, without duplicates', async () => {
    rx.received.length = 0;
    rx.answer = (n) =>
      n === 1
        ? { status: 500 }
        : n === 2
          ? { status: 429, headers: { 'retry-after': '7' } }
          : { status: 200 };
    const clock = new ManualClock(T0);
    const b = tripping('db', clock);
    const errors: string[] = [];
    const alerts = new AlertManager({
      sinks: [webhookSink(rx.url)],
      source: b,
      clock,
      random: () => 0,
      onError: (e) => errors.push(e.message),
      rules: { stuckOpenAfter: false, flap: false },
      delivery: { backoff: 1000 },
    });
    await trip(b);
    await rx.waitFor(1);
    await alerts.settled();
    clock.advance(1000);
    await rx.waitFor(2);
    await alerts.settled();
    clock.advance(6999);
    await alerts.settled();
    assert.equal(rx.received.length, 2);
    clock.advance(1);
    await rx.waitFor(3);
    await alerts.settled();
    assert.deepEqual(errors, [
      `alert sink "webhook": POST ${rx.url}/ answered HTTP 500; retry 1 of 4 in 1000 ms`,
      `alert sink "webhook": POST ${rx.url}/ answered HTTP 429; retry 2 of 4 in 7000 ms`,
    ]);
    assert.deepEqual(
      rx.received.map((r) => (r.body as { alerts: unknown[] }).alerts.length),
      [1, 1, 1],
    );
    assert.deepEqual(alerts.stats(), [
      {
        sink: 'webhook',
        delivered: 1,
        requests: 1,
        failures: 2,
        retries: 2,
        dropped: 0,
        queued: 0,
      },
    ]);
    rx.answer = () => ({ status: 200 });
    await alerts.close();
  });

  it('never slows or fails a protected call while a receiver hangs or fails', async () => {
    rx.received.length = 0;
    rx.answer = (_n, req) => (req.path === '/hang' ? 'hang' : { status: 500 });
    const errors: string[] = [];
    const hangs = webhookSink(`${rx.url}/hang`, { name: 'hangs' });
    const fails = webhookSink(`${rx.url}/fails`, { name: 'fails' });
    const b = new CircuitBreaker({ name: 'flappy', readyToTrip: () => true });
    const alerts = new AlertManager({
      sinks: [hangs, fails],
      source: b,
      onError: (e) => errors.push(e.message),
      rules: { flap: { opens: 1, window: 60_000 } },
      delivery: { timeout: 300, retries: 0, rateLimit: { requests: 1000, per: 1000 } },
    });
    // The calls must never wait for a delivery: deliveries need the event loop (sockets,
    // timers), so the loop below must finish before a macrotask queued now gets to run. (A
    // wall-clock bound could not tell waiting from a slow machine.)
    let yielded = false;
    setImmediate(() => {
      yielded = true;
    });
    let ok = 0;
    for (let i = 0; i < 200; i++) {
      // Every iteration opens and closes the breaker: two transitions, alerts for each sink.
      await assert.rejects(
        b.execute(() => Promise.reject(new Error('down'))),
        { message: 'down' },
      );
      b.reset();
      ok += await b.execute(() => 1);
    }
    assert.equal(ok, 200);
    assert.equal(yielded, false, 'the 600 calls never waited for the event loop');
    const [hangStats] = alerts.stats();
    assert.equal(hangStats!.requests, 0);
    assert.ok(hangStats!.queued > 0);
    await alerts.close();
    assert.ok(
      errors.some((e) =>
        /^alert sink "hangs": timed out after 300 ms; dropped \d+ alert\(s\)/.test(e),
      ),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /^alert sink "fails": .*HTTP 500/.test(e)),
      errors.join('\n'),
    );
    rx.answer = () => ({ status: 200 });
  });

  it('rejects a bad url or option, naming it', () => {
    assert.throws(() => webhookSink('not a url'), {
      name: 'TypeError',
      message: 'webhookSink: url must be an absolute http(s) URL, got "not a url"',
    });
    assert.throws(() => slackSink('ftp://x/y'), {
      name: 'TypeError',
      message: 'slackSink: url must be an absolute http(s) URL, got "ftp://x/y"',
    });
    assert.throws(() => alertmanagerSink('http://am:9093', { repeatInterval: 0 }), {
      name: 'RangeError',
      message: 'alertmanagerSink: option repeatInterval must be a number of ms > 0, got 0',
    });
    assert.throws(() => webhookSink('http://x', { header: {} } as never), {
      name: 'TypeError',
      message: 'webhookSink: unknown option "header" (known: name, headers, receiver, externalURL)',
    });
  });
});
