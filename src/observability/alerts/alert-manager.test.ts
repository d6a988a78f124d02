import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../core/circuit-breaker.js';
import { ManualClock } from '../../testing/manual-clock.js';
import { fromBreakers } from '../../manager/source.js';
import { AlertDeliveryError, type Alert, type AlertSink } from './alert.js';
import { AlertManager, type AlertManagerOptions } from './alert-manager.js';

/** A sink that keeps what it is sent; `fail` decides per attempt whether to throw. */
class MemorySink implements AlertSink {
  readonly name: string;
  readonly batches: (readonly Alert[])[] = [];
  attempts = 0;
  fail: (attempt: number) => AlertDeliveryError | undefined = () => undefined;
  constructor(name = 'memory') {
    this.name = name;
  }
  send(alerts: readonly Alert[]): Promise<void> {
    this.attempts++;
    const error = this.fail(this.attempts);
    if (error) return Promise.reject(error);
    this.batches.push(alerts);
    return Promise.resolve();
  }
  get sent(): string[] {
    return this.batches.flat().map((a) => `${a.status} ${a.key}`);
  }
}

function setup(options: Partial<AlertManagerOptions> = {}, timeout = 1000) {
  const clock = new ManualClock(1_000_000);
  const sink = new MemorySink();
  const errors: string[] = [];
  const breaker = new CircuitBreaker({ name: 'payments', clock, timeout, readyToTrip: () => true });
  const alerts = new AlertManager({
    sinks: [sink],
    source: breaker,
    clock,
    random: () => 0,
    onError: (e) => errors.push(e.message),
    rules: { stuckOpenAfter: 60_000, flap: { opens: 2, window: 10_000 } },
    ...options,
  });
  const fail = async (): Promise<void> => {
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('down'))));
  };
  const succeed = async (): Promise<void> => {
    await breaker.execute(() => 1);
  };
  // Delivery runs on promise callbacks: let them finish.
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await alerts.settled();
  };
  return { clock, sink, errors, breaker, alerts, fail, succeed, flush };
}

describe('AlertManager rules', () => {
  it('fires when a breaker opens, once per outage, and resolves when it closes', async () => {
    const t = setup();
    await t.fail();
    await t.flush();
    assert.deepEqual(t.sink.sent, ['firing CircuitBreakerOpen/payments']);
    const [fired] = t.sink.batches[0]!;
    assert.deepEqual(fired, {
      key: 'CircuitBreakerOpen/payments',
      rule: 'open',
      alertname: 'CircuitBreakerOpen',
      status: 'firing',
      breaker: 'payments',
      severity: 'warning',
      summary: 'Circuit breaker payments is open',
      description:
        'Circuit breaker "payments" went from closed to open (tripped) after 1 failure(s) and 0 success(es) in its counts. Calls to it fail fast until a probe succeeds.',
      labels: { alertname: 'CircuitBreakerOpen', name: 'payments', severity: 'warning' },
      startsAt: 1_000_000,
      transition: { from: 'closed', to: 'open', reason: 'tripped', at: 1_000_000 },
    });
    // A failed probe re-opens: the same outage, no new alert.
    t.clock.advance(1000);
    await t.fail();
    assert.equal(t.breaker.state, 'open');
    t.clock.advance(1000);
    await t.succeed();
    await t.flush();
    assert.deepEqual(t.sink.sent, [
      'firing CircuitBreakerOpen/payments',
      'resolved CircuitBreakerOpen/payments',
    ]);
    const resolved = t.sink.batches[1]![0]!;
    assert.equal(resolved.endsAt, 1_002_000);
    assert.equal(resolved.startsAt, 1_000_000);
    assert.deepEqual(resolved.transition, {
      from: 'half-open',
      to: 'closed',
      reason: 'probes-succeeded',
      at: 1_002_000,
    });
    assert.deepEqual(t.alerts.active, []);
    await t.alerts.close();
  });

  it('fires stuck-open after the breaker has not closed for stuckOpenAfter, and resolves on close', async () => {
    const t = setup({ rules: { stuckOpenAfter: 60_000, flap: false } }, 10_000);
    await t.fail();
    t.clock.advance(59_999);
    await t.flush();
    assert.deepEqual(t.sink.sent, ['firing CircuitBreakerOpen/payments']);
    t.clock.advance(1);
    await t.flush();
    assert.deepEqual(t.sink.sent.slice(1), ['firing CircuitBreakerStuckOpen/payments']);
    const stuck = t.sink.batches.flat()[1]!;
    assert.equal(stuck.severity, 'critical');
    assert.equal(stuck.summary, 'Circuit breaker payments has been open for 1m');
    assert.equal(
      stuck.description,
      'Circuit breaker "payments" has not closed since 1970-01-01T00:16:40.000Z: the dependency behind it keeps failing its probes, or nothing calls it to probe it.',
    );
    assert.deepEqual(
      t.alerts.active.map((a) => a.key),
      ['CircuitBreakerOpen/payments', 'CircuitBreakerStuckOpen/payments'],
    );
    await t.succeed();
    await t.flush();
    assert.deepEqual(t.sink.sent.slice(2).sort(), [
      'resolved CircuitBreakerOpen/payments',
      'resolved CircuitBreakerStuckOpen/payments',
    ]);
    await t.alerts.close();
  });

  it('does not fire stuck-open for an outage shorter than stuckOpenAfter', async () => {
    const t = setup({ rules: { stuckOpenAfter: 60_000, flap: false } });
    await t.fail();
    t.clock.advance(1000);
    await t.succeed();
    t.clock.advance(120_000);
    await t.flush();
    assert.deepEqual(t.sink.sent, [
      'firing CircuitBreakerOpen/payments',
      'resolved CircuitBreakerOpen/payments',
    ]);
    assert.equal(t.clock.pendingTimers, 0);
    await t.alerts.close();
  });

  it('fires flapping on more than `opens` opens in the window and resolves when they age out', async () => {
    const t = setup({
      rules: { open: false, stuckOpenAfter: false, flap: { opens: 2, window: 10_000 } },
    });
    const cycle = async (): Promise<void> => {
      await t.fail();
      t.clock.advance(1000);
      await t.succeed();
    };
    await cycle(); // open at 1_000_000
    await cycle(); // open at 1_001_000
    await t.flush();
    assert.deepEqual(t.sink.sent, []);
    t.clock.advance(500);
    await cycle(); // open at 1_002_500: three in 10 s
    await t.flush();
    assert.deepEqual(t.sink.sent, ['firing CircuitBreakerFlapping/payments']);
    const flapping = t.sink.batches[0]![0]!;
    assert.equal(
      flapping.description,
      'Circuit breaker "payments" opened 3 times in the last 10s (more than 2): the dependency is unstable, or the thresholds are too tight for its normal error rate.',
    );
    await cycle(); // a fourth: still the same alert
    await t.flush();
    assert.equal(t.sink.sent.length, 1);
    // The first open leaves the window at 1_010_000; three remain until 1_011_000.
    t.clock.set(1_010_999);
    await t.flush();
    assert.equal(t.sink.sent.length, 1);
    t.clock.set(1_011_000);
    await t.flush();
    assert.deepEqual(t.sink.sent, [
      'firing CircuitBreakerFlapping/payments',
      'resolved CircuitBreakerFlapping/payments',
    ]);
    assert.equal(t.sink.batches[1]![0]!.endsAt, 1_011_000);
    await t.alerts.close();
  });

  it('fires for a breaker already open when watched, and resolves when it leaves the source', async () => {
    const clock = new ManualClock(5000);
    const sink = new MemorySink();
    const b = new CircuitBreaker({ name: 'search', clock });
    b.forceOpen();
    const set = fromBreakers(b);
    const alerts = new AlertManager({ sinks: [sink], source: set, clock, labels: { env: 'prod' } });
    await alerts.settled();
    assert.deepEqual(sink.batches[0]![0]!.labels, {
      env: 'prod',
      alertname: 'CircuitBreakerOpen',
      name: 'search',
      severity: 'warning',
    });
    assert.equal(
      sink.batches[0]![0]!.description,
      'Circuit breaker "search" was open when alerting started. Calls to it fail fast until a probe succeeds.',
    );
    set.remove(b);
    await alerts.settled();
    await alerts.settled();
    assert.deepEqual(sink.sent, [
      'firing CircuitBreakerOpen/search',
      'resolved CircuitBreakerOpen/search',
    ]);
    // Its stuck-open timer went with it.
    assert.equal(clock.pendingTimers, 0);
    await alerts.close();
  });

  it('dedupes by key and status and tells onAlert listeners once', async () => {
    const t = setup({ rules: { stuckOpenAfter: false, flap: false } });
    const seen: string[] = [];
    t.alerts.onAlert((a) => seen.push(`${a.status} ${a.key}`));
    await t.fail();
    t.breaker.forceOpen(); // open -> open: no transition, no alert
    t.breaker.reset();
    t.breaker.reset();
    await t.flush();
    assert.deepEqual(seen, [
      'firing CircuitBreakerOpen/payments',
      'resolved CircuitBreakerOpen/payments',
    ]);
    assert.deepEqual(t.sink.sent, seen);
    await t.alerts.close();
  });
});

describe('AlertManager delivery', () => {
  it('retries with exponential backoff, then gives up and reports the drop', async () => {
    const t = setup({
      rules: { stuckOpenAfter: false, flap: false },
      delivery: { retries: 2, backoff: 1000, jitter: 0.5 },
    });
    t.sink.fail = () =>
      new AlertDeliveryError('memory', 'HTTP 503', { status: 503, retryable: true });
    await t.fail();
    await t.flush();
    assert.equal(t.sink.attempts, 1);
    // random() = 0: no jitter taken off; 1000 ms, then 2000 ms.
    t.clock.advance(999);
    await t.flush();
    assert.equal(t.sink.attempts, 1);
    t.clock.advance(1);
    await t.flush();
    assert.equal(t.sink.attempts, 2);
    t.clock.advance(2000);
    await t.flush();
    assert.equal(t.sink.attempts, 3);
    assert.deepEqual(t.errors, [
      'alert sink "memory": HTTP 503; retry 1 of 2 in 1000 ms',
      'alert sink "memory": HTTP 503; retry 2 of 2 in 2000 ms',
      'alert sink "memory": HTTP 503; dropped 1 alert(s) (after 3 attempts)',
    ]);
    assert.deepEqual(t.alerts.stats(), [
      { sink: 'memory', delivered: 0, requests: 0, failures: 3, retries: 2, dropped: 1, queued: 0 },
    ]);
    await t.alerts.close();
  });

  it('honours Retry-After, batches what queued meanwhile, and drops at once when not retryable', async () => {
    const t = setup({ rules: { stuckOpenAfter: false, flap: false }, delivery: { backoff: 10 } });
    t.sink.fail = (n) =>
      n === 1
        ? new AlertDeliveryError('memory', 'HTTP 429', {
            status: 429,
            retryable: true,
            retryAfter: 5000,
          })
        : undefined;
    await t.fail();
    await t.flush();
    t.breaker.reset();
    t.clock.advance(4999);
    await t.flush();
    assert.equal(t.sink.attempts, 1);
    t.clock.advance(1);
    await t.flush();
    assert.deepEqual(
      t.sink.batches.map((b) => b.map((a) => a.status)),
      [['firing', 'resolved']],
    );
    t.sink.fail = () =>
      new AlertDeliveryError('memory', 'HTTP 400', { status: 400, retryable: false });
    await t.fail();
    await t.flush();
    assert.equal(t.sink.attempts, 3);
    assert.equal(
      t.errors.at(-1),
      'alert sink "memory": HTTP 400; dropped 1 alert(s) (not retryable)',
    );
    await t.alerts.close();
  });

  it('rate-limits each sink with a token bucket', async () => {
    const clock = new ManualClock();
    const sink = new MemorySink();
    const breakers = ['a', 'b', 'c'].map((name) => new CircuitBreaker({ name, clock }));
    const alerts = new AlertManager({
      sinks: [sink],
      source: breakers,
      clock,
      rules: { stuckOpenAfter: false, flap: false },
      delivery: { rateLimit: { requests: 2, per: 1000 } },
    });
    for (const b of breakers) {
      b.forceOpen();
      await alerts.settled();
    }
    assert.deepEqual(sink.sent, ['firing CircuitBreakerOpen/a', 'firing CircuitBreakerOpen/b']);
    clock.advance(499);
    await alerts.settled();
    assert.equal(sink.sent.length, 2);
    clock.advance(1);
    await alerts.settled();
    assert.equal(sink.sent.length, 3);
    await alerts.close();
  });

  it('bounds each queue, dropping the oldest and reporting it once', async () => {
    const clock = new ManualClock();
    const sink = new MemorySink();
    const errors: string[] = [];
    const breakers = ['a', 'b', 'c', 'd'].map((name) => new CircuitBreaker({ name, clock }));
    const alerts = new AlertManager({
      sinks: [sink],
      source: breakers,
      clock,
      onError: (e) => errors.push(e.message),
      rules: { stuckOpenAfter: false, flap: false },
      delivery: { maxQueue: 2, rateLimit: { requests: 1, per: 1000 } },
    });
    for (const b of breakers) b.forceOpen();
    await alerts.settled();
    clock.advance(1000);
    await alerts.settled();
    // a is in flight and counts: the queue holds one more, the newest (was: two more).
    assert.deepEqual(sink.sent, ['firing CircuitBreakerOpen/a', 'firing CircuitBreakerOpen/d']);
    assert.deepEqual(errors, ['alert sink "memory": queue full (2 alerts), dropping the oldest']);
    assert.equal(alerts.stats()[0]!.dropped, 2);
    await alerts.close();
  });

  it('keeps a sink that throws synchronously away from the calls', async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    const b = new CircuitBreaker({ name: 'x', clock, readyToTrip: () => true });
    const alerts = new AlertManager({
      sinks: [
        {
          name: 'broken',
          send: () => {
            throw new Error('boom');
          },
        },
      ],
      source: b,
      clock,
      onError: (e) => errors.push(e.message),
      delivery: { retries: 0 },
    });
    await assert.rejects(
      b.execute(() => Promise.reject(new Error('down'))),
      { message: 'down' },
    );
    await alerts.settled();
    assert.deepEqual(errors, ['alert sink "broken": boom; dropped 1 alert(s) (after 1 attempts)']);
    await alerts.close();
  });

  it('rejects bad options, naming the field', () => {
    const sink = new MemorySink();
    assert.throws(() => new AlertManager({ sinks: [] }), {
      name: 'TypeError',
      message: 'AlertManager: option sinks must be a non-empty array of sinks, got []',
    });
    assert.throws(() => new AlertManager({ sinks: [{}] as never }), {
      name: 'TypeError',
      message: 'AlertManager: option sinks[0] must have a name and a send function, got {}',
    });
    assert.throws(
      () => new AlertManager({ sinks: [sink], rules: { flap: { opens: 0, window: 1 } } }),
      {
        name: 'RangeError',
        message: 'AlertManager: option rules.flap.opens must be a whole number > 0, got 0',
      },
    );
    assert.throws(() => new AlertManager({ sinks: [sink], rules: { stuckOpen: 1 } as never }), {
      name: 'TypeError',
      message: 'AlertManager: unknown rule "stuckOpen" (known: open, stuckOpenAfter, flap)',
    });
    assert.throws(() => new AlertManager({ sinks: [sink], delivery: { retry: 1 } as never }), {
      name: 'TypeError',
      message: /^AlertManager: unknown option delivery.retry \(known: maxQueue, /,
    });
    assert.throws(() => new AlertManager({ sinks: [sink], delivery: { jitter: 2 } }), {
      name: 'RangeError',
      message: 'AlertManager: option delivery.jitter must be a number in [0, 1], got 2',
    });
    assert.throws(() => new AlertManager({ sinks: [sink], sink: 1 } as never), {
      name: 'TypeError',
      message: /^AlertManager: unknown option "sink" \(known: sinks, /,
    });
  });
});
