import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreakerManager } from './manager.js';
import type { CreateEvent, EvictEvent, ManagerSettings } from './types.js';

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('boom'));

const initial: ManagerSettings = {
  defaults: { consecutiveFailures: 3, timeout: 1000 },
  services: { payments: { timeout: 5000 }, search: {} },
};

describe('configure(): new settings without losing state', () => {
  it('rebuilds only the breakers whose settings changed, keeping their state exactly', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, ...initial });
    for (let i = 0; i < 3; i++) await assert.rejects(manager.execute('payments', boom));
    clock.advance(1200);
    await assert.rejects(manager.execute('search', boom));
    await assert.rejects(manager.execute('search', boom));
    const search = manager.get('search');
    const payments = manager.get('payments');
    const before = manager.snapshot();

    const evicted: EvictEvent[] = [];
    const created: CreateEvent[] = [];
    manager.onEvict((e) => evicted.push(e));
    manager.onCreate((e) => created.push(e));
    const changed = manager.configure({
      defaults: { consecutiveFailures: 3, timeout: 1000 },
      services: { payments: { timeout: 9000, maxRequests: 2 }, search: {} },
    });
    assert.deepEqual(changed, ['payments']);
    assert.equal(manager.get('search'), search, 'unchanged settings: same breaker');
    assert.notEqual(manager.get('payments'), payments);
    assert.deepEqual(manager.snapshot(), before, 'state, counts and retryAfter carried over');
    assert.deepEqual(
      evicted.map((e) => [e.name, e.reason, e.breaker === payments]),
      [['payments', 'replaced', true]],
    );
    assert.deepEqual(
      created.map((e) => [e.name, e.reason]),
      [['payments', 'replaced']],
    );
    // The open period under way ends on the old schedule (5000 after 0); the next one uses 9000.
    clock.set(4999);
    assert.equal(manager.get('payments').state, 'open');
    clock.set(5000);
    assert.equal(manager.get('payments').state, 'half-open');
    assert.equal(manager.get('payments').settings.maxRequests, 2);
    await assert.rejects(manager.execute('payments', boom));
    assert.equal(manager.get('payments').retryAfter, 9000);
  });

  it('the new rule applies to the counts kept: 2 failures, then a threshold of 3 trips on the next', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, defaults: { consecutiveFailures: 5 } });
    await assert.rejects(manager.execute('a', boom));
    await assert.rejects(manager.execute('a', boom));
    manager.configure({ defaults: { consecutiveFailures: 3 } });
    assert.equal(manager.get('a').counts.consecutiveFailures, 2);
    await assert.rejects(manager.execute('a', boom));
    assert.equal(manager.get('a').state, 'open');
  });

  it('keeps a window of the same shape, starts a changed one empty', async () => {
    const clock = new ManualClock();
    const window = { kind: 'count', size: 10 } as const;
    const manager = new CircuitBreakerManager({
      clock,
      defaults: { window, failureRateThreshold: 50, minimumCalls: 4 },
    });
    await manager.execute('a', ok);
    await assert.rejects(manager.execute('a', boom));
    manager.configure({ defaults: { window, failureRateThreshold: 60, minimumCalls: 4 } });
    assert.equal(manager.get('a').counts.requests, 2);
    manager.configure({
      defaults: { window: { kind: 'count', size: 20 }, failureRateThreshold: 60, minimumCalls: 4 },
    });
    assert.equal(manager.get('a').counts.requests, 0);
    assert.equal(manager.get('a').counts.consecutiveFailures, 1);
  });

  it('bad settings throw and change nothing', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, ...initial });
    const payments = manager.get('payments');
    assert.throws(
      () =>
        manager.configure({
          defaults: { consecutiveFailures: 1 },
          services: { payments: { timeout: 'soon' as unknown as number } },
        }),
      {
        name: 'TypeError',
        message:
          'manager option services.payments: breaker option timeout must be a number, got "soon"',
      },
    );
    assert.equal(manager.get('payments'), payments);
    // The old rule (3 failures) is still in force.
    await assert.rejects(manager.execute('payments', boom));
    await assert.rejects(manager.execute('payments', boom));
    assert.equal(payments.state, 'closed');
    assert.throws(() => manager.configure({ clock } as ManagerSettings), {
      message: 'manager option clock: cannot be changed by configure()',
    });
  });

  it('calls in flight during a rebuild finish in the old breaker: the new one does not count them', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, defaults: { consecutiveFailures: 1 } });
    let fail!: (e: Error) => void;
    const call = manager.execute('a', () => new Promise<never>((_, reject) => (fail = reject)));
    const old = manager.get('a');
    manager.configure({ defaults: { consecutiveFailures: 2 } });
    fail(new Error('late'));
    await assert.rejects(call, { message: 'late' });
    assert.equal(old.state, 'open', 'the old breaker recorded it');
    assert.equal(manager.get('a').state, 'closed');
    assert.equal(manager.get('a').counts.totalFailures, 0);
  });

  it('turning idle eviction on or off restarts the sweep timer', () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock });
    manager.get('a');
    assert.equal(clock.pendingTimers, 0);
    manager.configure({ idleTimeout: 100 });
    assert.equal(clock.pendingTimers, 1);
    // A breaker made before eviction was on gets a full idle period from the next sweep.
    clock.advance(100);
    assert.equal(manager.has('a'), true);
    clock.advance(100);
    assert.equal(manager.has('a'), false);
    manager.get('b');
    manager.configure({});
    assert.equal(clock.pendingTimers, 0);
    clock.advance(10_000);
    assert.equal(manager.has('b'), true);
  });
});
