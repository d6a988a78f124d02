import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { channelNames } from '../core/channels.js';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { BreakerOpenError, TooManyRequestsError } from '../core/errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ManagerClosedError } from './errors.js';
import { CircuitBreakerManager } from './manager.js';
import type { FleetTransitionEvent, ManagerOptions } from './types.js';

const boom = (): Promise<never> => Promise.reject(new Error('boom'));
const ok = (): Promise<string> => Promise.resolve('ok');

async function failTimes(
  manager: CircuitBreakerManager,
  service: string,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    await assert.rejects(manager.execute(service, boom), { message: 'boom' });
  }
}

describe('CircuitBreakerManager: one breaker per service', () => {
  it('makes the breaker on first use, named after the service, and returns it after', () => {
    const manager = new CircuitBreakerManager();
    assert.equal(manager.has('payments'), false);
    assert.equal(manager.peek('payments'), undefined);
    const breaker = manager.get('payments');
    assert.ok(breaker instanceof CircuitBreaker);
    assert.equal(breaker.name, 'payments');
    assert.equal(manager.get('payments'), breaker);
    assert.equal(manager.peek('payments'), breaker);
    assert.notEqual(manager.get('search'), breaker);
    assert.equal(manager.size, 2);
  });

  it('makes exactly one breaker under 1,000 concurrent first calls', async () => {
    const manager = new CircuitBreakerManager();
    const constructed: string[] = [];
    const onCreated = (message: unknown): void => {
      constructed.push((message as { breaker: CircuitBreaker }).breaker.name);
    };
    diagnosticsChannel.subscribe(channelNames.created, onCreated);
    const created: string[] = [];
    manager.onCreate((e) => created.push(e.name));
    const seen = new Set<CircuitBreaker>();
    try {
      // Callers arrive in one burst, some after a few turns of the microtask queue.
      const results = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          for (let k = 0; k < i % 4; k++) await Promise.resolve();
          seen.add(manager.get('inventory'));
          return manager.execute('inventory', () => Promise.resolve(i));
        }),
      );
      assert.deepEqual(
        results,
        Array.from({ length: 1000 }, (_, i) => i),
      );
    } finally {
      diagnosticsChannel.unsubscribe(channelNames.created, onCreated);
    }
    assert.deepEqual(constructed, ['inventory']);
    assert.deepEqual(created, ['inventory']);
    assert.equal(seen.size, 1);
    assert.equal(manager.get('inventory').counts.totalSuccesses, 1000);
  });

  it('execute passes the signal to fn and returns its value', async () => {
    const manager = new CircuitBreakerManager();
    const controller = new AbortController();
    let given: AbortSignal | undefined;
    const value = await manager.execute(
      'a',
      (signal) => {
        given = signal;
        return 42;
      },
      { signal: controller.signal },
    );
    assert.equal(value, 42);
    assert.equal(given, controller.signal);
  });

  it('execute never throws: a bad service name rejects', async () => {
    const manager = new CircuitBreakerManager();
    const bad = manager.execute('', ok);
    await assert.rejects(bad, {
      name: 'TypeError',
      message: 'service must be a non-empty string, got ""',
    });
    await assert.rejects(manager.execute(42 as unknown as string, ok), {
      name: 'TypeError',
      message: 'service must be a non-empty string, got 42',
    });
    assert.throws(() => manager.get(''), TypeError);
    assert.deepEqual(await manager.tryExecute('', ok), {
      ok: false,
      error: new TypeError('service must be a non-empty string, got ""'),
    });
  });

  it('tryExecute resolves to { ok } results and never rejects', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, defaults: { consecutiveFailures: 1 } });
    assert.deepEqual(await manager.tryExecute('a', ok), { ok: true, value: 'ok' });
    const failed = await manager.tryExecute('a', boom);
    assert.equal(failed.ok, false);
    const rejected = await manager.tryExecute('a', ok);
    if (rejected.ok) assert.fail('expected { ok: false }');
    assert.ok(rejected.error instanceof BreakerOpenError);
  });
});

describe('CircuitBreakerManager: defaults and per-service overrides', () => {
  const options = (clock: ManualClock): ManagerOptions => ({
    clock,
    defaults: {
      consecutiveFailures: 3,
      timeout: 1000,
      maxRequests: 2,
      isExcluded: (e) => (e as Error).message === 'not mine',
    },
    services: {
      payments: { consecutiveFailures: 1, timeout: 5000 },
      search: { readyToTrip: (c) => c.totalFailures >= 2 },
      reports: { timeout: { initial: 100, max: 400, multiplier: 2 }, maxRequests: 1 },
    },
  });

  it('a service not listed gets the defaults exactly', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager(options(clock));
    await failTimes(manager, 'other', 2);
    assert.equal(manager.get('other').state, 'closed');
    await failTimes(manager, 'other', 1);
    assert.equal(manager.get('other').state, 'open');
    clock.advance(999);
    assert.equal(manager.get('other').state, 'open');
    clock.advance(1);
    assert.equal(manager.get('other').state, 'half-open');
    // maxRequests 2: two probes admitted, the third turned away.
    const probes = [manager.execute('other', ok), manager.execute('other', ok)];
    await assert.rejects(manager.execute('other', ok), TooManyRequestsError);
    await Promise.all(probes);
    assert.equal(manager.get('other').state, 'closed');
  });

  it("a service's own options override the defaults key by key", async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager(options(clock));
    await failTimes(manager, 'payments', 1);
    assert.equal(manager.get('payments').state, 'open');
    clock.advance(4999);
    assert.equal(manager.get('payments').state, 'open');
    clock.advance(1);
    assert.equal(manager.get('payments').state, 'half-open');
    // maxRequests is not overridden: the default 2 applies.
    assert.equal(manager.get('payments').settings.maxRequests, 2);
  });

  it('readyToTrip and consecutiveFailures are one slot: a service setting either replaces both', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager(options(clock));
    await failTimes(manager, 'search', 1);
    assert.equal(manager.get('search').state, 'closed');
    await assert.rejects(manager.execute('search', ok).then(boom), { message: 'boom' });
    // 1 failure, 1 success: consecutiveFailures would not trip; totalFailures >= 2 does.
    await failTimes(manager, 'search', 1);
    assert.equal(manager.get('search').state, 'open');
  });

  it('inherits functions from the defaults (isExcluded)', async () => {
    const manager = new CircuitBreakerManager(options(new ManualClock()));
    for (let i = 0; i < 5; i++) {
      await assert.rejects(
        manager.execute('payments', () => Promise.reject(new Error('not mine'))),
      );
    }
    assert.equal(manager.get('payments').state, 'closed');
    assert.equal(manager.get('payments').counts.totalExclusions, 5);
  });

  it('timeout may be an exponential backoff given as data', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager(options(clock));
    await failTimes(manager, 'reports', 3);
    assert.equal(manager.get('reports').retryAfter, 100);
    clock.advance(100);
    await failTimes(manager, 'reports', 1); // the probe fails: second open
    assert.equal(manager.get('reports').retryAfter, 200);
    clock.advance(200);
    await failTimes(manager, 'reports', 1);
    assert.equal(manager.get('reports').retryAfter, 400);
    clock.advance(400);
    await failTimes(manager, 'reports', 1);
    assert.equal(manager.get('reports').retryAfter, 400);
  });

  it('uses the manager clock for breakers without their own', () => {
    const clock = new ManualClock(5000);
    const manager = new CircuitBreakerManager({ clock });
    assert.equal(manager.get('a').settings.clock, clock);
    const own = new ManualClock();
    const other = new CircuitBreakerManager({ defaults: { clock: own } });
    assert.equal(other.get('a').settings.clock, own);
  });
});

describe('CircuitBreakerManager: bad options', () => {
  const cases: [string, unknown, string, string][] = [
    [
      'options not an object',
      'x',
      'TypeError',
      'CircuitBreakerManager options must be an object, got "x"',
    ],
    [
      'unknown option',
      { idleTimout: 5 },
      'TypeError',
      'manager option idleTimout: unknown option (did you mean idleTimeout?)',
    ],
    [
      'services not an object',
      { services: [] },
      'TypeError',
      'manager option services: expected an object, got []',
    ],
    [
      'service options not an object',
      { services: { a: 3 } },
      'TypeError',
      'manager option services.a: expected an object of breaker options, got 3',
    ],
    [
      'a name in service options',
      { services: { a: { name: 'b' } } },
      'TypeError',
      'manager option services.a.name: not allowed: every breaker is named after its service',
    ],
    [
      'initialState in defaults',
      { defaults: { initialState: {} } },
      'TypeError',
      'manager option defaults.initialState: not allowed: restore state with import()',
    ],
    [
      'dependsOn in defaults',
      { defaults: { dependsOn: ['a'] } },
      'TypeError',
      'manager option defaults.dependsOn: belongs to a service, not to defaults',
    ],
    [
      'bad breaker option',
      { services: { 'api.example.com': { timeout: 'soon' } } },
      'TypeError',
      'manager option services["api.example.com"]: breaker option timeout must be a number, got "soon"',
    ],
    [
      'unknown breaker option',
      { defaults: { timout: 5 } },
      'TypeError',
      'manager option defaults: unknown breaker option timout (did you mean timeout?)',
    ],
    [
      'consecutiveFailures 0',
      { services: { a: { consecutiveFailures: 0 } } },
      'RangeError',
      'manager option services.a.consecutiveFailures: expected an integer >= 1, got 0',
    ],
    [
      'both trip rules',
      { defaults: { consecutiveFailures: 2, readyToTrip: () => true } },
      'TypeError',
      'manager option defaults: give readyToTrip or consecutiveFailures, not both',
    ],
    [
      'bad backoff key',
      { defaults: { timeout: { initail: 5 } } },
      'TypeError',
      'manager option defaults.timeout.initail: unknown key (did you mean initial?)',
    ],
    [
      'bad backoff value',
      { defaults: { timeout: { initial: -5 } } },
      'RangeError',
      'manager option defaults.timeout: exponentialOpenBackoff option initial must be a finite number > 0, got -5',
    ],
    [
      'dependsOn not an array',
      { services: { a: { dependsOn: 'b' } } },
      'TypeError',
      'manager option services.a.dependsOn: expected an array of service names, got "b"',
    ],
    [
      'unknown dependency',
      { services: { postgres: {}, a: { dependsOn: ['postgress'] } } },
      'TypeError',
      'manager option services.a.dependsOn[0]: unknown service "postgress" (did you mean "postgres"?)',
    ],
    [
      'dependency cycle',
      { services: { a: { dependsOn: ['b'] }, b: { dependsOn: ['a'] } } },
      'TypeError',
      'manager option services.b.dependsOn[0]: dependency cycle: a -> b -> a',
    ],
    [
      'self dependency',
      { services: { a: { dependsOn: ['a'] } } },
      'TypeError',
      'manager option services.a.dependsOn[0]: dependency cycle: a -> a',
    ],
    [
      'idleTimeout 0',
      { idleTimeout: 0 },
      'RangeError',
      'manager option idleTimeout: expected a number of ms > 0, got 0',
    ],
    [
      'sweepInterval too long',
      { idleTimeout: 10, sweepInterval: 2 ** 31 },
      'RangeError',
      'manager option sweepInterval: expected a number of ms > 0 and <= 2147483647, got 2147483648',
    ],
    [
      'cascadeThreshold 0',
      { cascadeThreshold: 0 },
      'RangeError',
      'manager option cascadeThreshold: expected a percentage in (0, 100], got 0',
    ],
    [
      'cascadeMinimumOpen 1.5',
      { cascadeMinimumOpen: 1.5 },
      'RangeError',
      'manager option cascadeMinimumOpen: expected an integer >= 1, got 1.5',
    ],
    [
      'clock without now',
      { clock: {} },
      'TypeError',
      'manager option clock: expected an object with now(), got {}',
    ],
  ];
  for (const [title, options, name, message] of cases) {
    it(`${title}: ${name}`, () => {
      assert.throws(() => new CircuitBreakerManager(options as ManagerOptions), { name, message });
    });
  }
});

describe('CircuitBreakerManager: fleet events and snapshot', () => {
  it("one subscription receives every breaker's state changes, with the service name", async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({
      clock,
      defaults: { consecutiveFailures: 1, timeout: 100 },
    });
    const events: FleetTransitionEvent[] = [];
    manager.onTransition((e) => events.push(e));
    await failTimes(manager, 'a', 1);
    clock.advance(10);
    await failTimes(manager, 'b', 1);
    clock.advance(90);
    assert.equal(manager.get('a').state, 'half-open');
    assert.deepEqual(
      events.map((e) => [e.service, e.name, e.from, e.to, e.at, e.reason, e.openBecause]),
      [
        ['a', 'a', 'closed', 'open', 0, 'tripped', null],
        ['b', 'b', 'closed', 'open', 10, 'tripped', null],
        ['a', 'a', 'open', 'half-open', 100, 'timeout-elapsed', null],
      ],
    );
    assert.deepEqual(events[0]?.counts, {
      requests: 1,
      totalSuccesses: 0,
      totalFailures: 1,
      totalExclusions: 0,
      consecutiveSuccesses: 0,
      consecutiveFailures: 1,
    });
  });

  it('a subscription made after the breakers exist sees their later changes', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({
      clock,
      defaults: { consecutiveFailures: 1, timeout: 100 },
    });
    await assert.rejects(manager.execute('a', boom)); // open before anyone listens
    manager.get('b');
    const events: string[] = [];
    manager.onTransition((e) => events.push(`${e.service}:${e.from}->${e.to}`));
    await assert.rejects(manager.execute('b', boom));
    clock.advance(100);
    assert.equal(manager.get('a').state, 'half-open');
    assert.deepEqual(events, ['b:closed->open', 'a:open->half-open']);
    // A threshold set later counts the breakers that were open already.
    await assert.rejects(manager.execute('a', boom)); // the probes fail: both open again
    await assert.rejects(manager.execute('b', boom));
    manager.configure({ defaults: { consecutiveFailures: 1, timeout: 100 }, cascadeThreshold: 50 });
    assert.deepEqual(manager.cascade, {
      active: true,
      open: 2,
      total: 2,
      share: 1,
      services: ['a', 'b'],
    });
  });

  it('unsubscribing stops delivery; a throwing listener does not reach the caller', async () => {
    const manager = new CircuitBreakerManager({
      clock: new ManualClock(),
      defaults: { consecutiveFailures: 1 },
    });
    const seen: string[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    const stop = manager.onTransition((e) => seen.push(e.name));
    manager.onTransition(() => {
      throw new Error('listener bug');
    });
    try {
      await failTimes(manager, 'a', 1);
      stop();
      await failTimes(manager, 'b', 1);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(seen, ['a']);
    assert.deepEqual(warnings, ['BreakwaterListenerError', 'BreakwaterListenerError']);
  });

  it('snapshot lists every breaker sorted by name with name, state and counts', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({
      clock,
      defaults: { consecutiveFailures: 2, timeout: 1000 },
    });
    await manager.execute('b', ok);
    await failTimes(manager, 'a', 2);
    clock.advance(250);
    manager.get('c').forceOpen();
    const snapshot = manager.snapshot();
    assert.deepEqual(
      snapshot.map(({ name, state, counts }) => ({ name, state, counts })),
      [
        { name: 'a', state: 'open', counts: zero() },
        {
          name: 'b',
          state: 'closed',
          counts: { ...zero(), requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 },
        },
        { name: 'c', state: 'open', counts: zero() },
      ],
    );
    assert.deepEqual(snapshot[0], {
      name: 'a',
      state: 'open',
      counts: zero(),
      forced: null,
      failureRate: -1,
      retryAfter: 750,
      dependsOn: [],
      blockedBy: null,
      openBecause: null,
    });
    const forced = snapshot[2];
    assert.ok(forced);
    assert.equal(forced.forced, 'open');
    assert.equal(forced.retryAfter, Infinity);
  });
});

describe('CircuitBreakerManager: close', () => {
  it('drops every breaker, then get throws and execute rejects', async () => {
    const manager = new CircuitBreakerManager();
    const a = manager.get('a');
    const evicted: string[] = [];
    manager.onEvict((e) => evicted.push(`${e.name}:${e.reason}`));
    const seen: string[] = [];
    a.onTransition((e) => seen.push(e.to));
    manager.close();
    manager.close();
    assert.deepEqual(evicted, ['a:closed']);
    assert.equal(manager.size, 0);
    a.forceOpen();
    assert.deepEqual(seen, [], 'listeners of a dropped breaker are disposed');
    assert.throws(() => manager.get('a'), ManagerClosedError);
    await assert.rejects(manager.execute('a', ok), {
      name: 'ManagerClosedError',
      code: 'ERR_MANAGER_CLOSED',
      message: 'the circuit breaker manager is closed',
    });
    assert.throws(() => manager.configure({}), ManagerClosedError);
  });

  it('remove() drops one breaker whatever its state', () => {
    const manager = new CircuitBreakerManager();
    const a = manager.get('a');
    a.forceOpen();
    assert.equal(manager.remove('a'), true);
    assert.equal(manager.remove('a'), false);
    assert.notEqual(manager.get('a'), a);
    assert.equal(manager.get('a').state, 'closed');
  });
});

function zero(): Record<string, number> {
  return {
    requests: 0,
    totalSuccesses: 0,
    totalFailures: 0,
    totalExclusions: 0,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
  };
}
