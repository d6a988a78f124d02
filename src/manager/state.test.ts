import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreakerManager } from './manager.js';
import type { CreateEvent, EvictEvent, ManagerOptions, ManagerState } from './types.js';

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('boom'));

const settings = (clock: ManualClock): ManagerOptions => ({
  clock,
  defaults: { consecutiveFailures: 3, timeout: 1000 },
  services: {
    search: {
      window: { kind: 'count', size: 10 },
      failureRateThreshold: 50,
      minimumCalls: 4,
    },
    reports: { window: { kind: 'time', size: 1000, buckets: 10 }, failureRateThreshold: 80 },
  },
});

async function populated(clock: ManualClock): Promise<CircuitBreakerManager> {
  const manager = new CircuitBreakerManager(settings(clock));
  for (let i = 0; i < 3; i++) await assert.rejects(manager.execute('open', boom));
  clock.advance(100);
  await manager.execute('counted', ok);
  await manager.execute('counted', ok);
  await assert.rejects(manager.execute('counted', boom));
  await manager.execute('search', ok);
  await assert.rejects(manager.execute('search', boom));
  await manager.execute('reports', ok);
  clock.advance(50);
  await assert.rejects(manager.execute('reports', boom));
  manager.get('off').disable();
  manager.get('forced').forceOpen();
  for (let i = 0; i < 3; i++) await assert.rejects(manager.execute('probing', boom));
  clock.advance(1000); // 'open' and 'probing' are now due for half-open
  assert.equal(manager.get('probing').state, 'half-open');
  await assert.rejects(manager.execute('probing', boom)); // probe failed: open again at 1150
  return manager;
}

describe('export / import', () => {
  it('round-trips the whole manager through JSON, exactly', async () => {
    const clock = new ManualClock();
    const first = await populated(clock);
    const before = first.snapshot();
    const json = JSON.stringify(first.export());
    const second = new CircuitBreakerManager(settings(clock));
    const restored = second.import(JSON.parse(json) as ManagerState);
    assert.deepEqual(restored.sort(), [
      'counted',
      'forced',
      'off',
      'open',
      'probing',
      'reports',
      'search',
    ]);
    assert.deepEqual(second.snapshot(), before);
    assert.deepEqual(second.export(), first.export());
    // Time keeps its meaning: 'probing' reopened at 1150 and turns half-open at 2150.
    clock.set(2149);
    assert.equal(second.get('probing').state, 'open');
    clock.set(2150);
    assert.equal(second.get('probing').state, 'half-open');
    // The windows came back: two more failures of four calls trip 'search' (50%).
    await second.execute('search', ok);
    await assert.rejects(second.execute('search', boom));
    assert.equal(second.get('search').state, 'open');
  });

  it('restores into another process later: an open breaker turns half-open on its old schedule', async () => {
    const clock = new ManualClock(1_000_000);
    const first = new CircuitBreakerManager({
      clock,
      defaults: { consecutiveFailures: 1, timeout: 30_000 },
    });
    await assert.rejects(first.execute('db', boom));
    const saved = JSON.parse(JSON.stringify(first.export())) as ManagerState;
    const later = new ManualClock(1_010_000);
    const second = new CircuitBreakerManager({
      clock: later,
      defaults: { consecutiveFailures: 1, timeout: 30_000 },
    });
    second.import(saved);
    assert.equal(second.get('db').state, 'open');
    assert.equal(second.get('db').retryAfter, 20_000);
  });

  it('replaces existing breakers (onEvict replaced, onCreate imported) and leaves others alone', async () => {
    const clock = new ManualClock();
    const source = new CircuitBreakerManager({ clock, defaults: { consecutiveFailures: 1 } });
    await assert.rejects(source.execute('a', boom));
    const target = new CircuitBreakerManager({ clock, defaults: { consecutiveFailures: 1 } });
    const oldA = target.get('a');
    const b = target.get('b');
    const evicted: EvictEvent[] = [];
    const created: CreateEvent[] = [];
    target.onEvict((e) => evicted.push(e));
    target.onCreate((e) => created.push(e));
    target.import(source.export());
    assert.equal(target.get('b'), b);
    assert.notEqual(target.get('a'), oldA);
    assert.equal(target.get('a').state, 'open');
    assert.deepEqual(
      evicted.map((e) => [e.name, e.reason, e.breaker === oldA]),
      [['a', 'replaced', true]],
    );
    assert.deepEqual(
      created.map((e) => [e.name, e.reason, e.breaker === target.get('a')]),
      [['a', 'imported', true]],
    );
  });

  it('drops a saved window whose shape changed, keeping the rest of the state', async () => {
    const clock = new ManualClock();
    const first = new CircuitBreakerManager({
      clock,
      defaults: {
        window: { kind: 'count', size: 10 },
        failureRateThreshold: 50,
        minimumCalls: 10,
        consecutiveFailures: 9,
      },
    });
    await assert.rejects(first.execute('a', boom));
    await assert.rejects(first.execute('a', boom));
    await first.execute('a', ok);
    const second = new CircuitBreakerManager({
      clock,
      defaults: {
        window: { kind: 'count', size: 20 },
        failureRateThreshold: 50,
        minimumCalls: 10,
        consecutiveFailures: 9,
      },
    });
    second.import(first.export());
    assert.deepEqual(second.get('a').counts, {
      requests: 0,
      totalSuccesses: 0,
      totalFailures: 0,
      totalExclusions: 0,
      consecutiveSuccesses: 1,
      consecutiveFailures: 0,
    });
  });

  it('refuses bad input with the field named, and applies nothing', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock });
    const good = new CircuitBreakerManager({ clock });
    good.get('x');
    const state = good.export();
    const cases: [unknown, string][] = [
      [null, 'import(): (root): expected an object from export(), got null'],
      [{ ...state, version: 2 }, 'import(): version: expected 1, got 2'],
      [{ version: 1, breakers: [] }, 'import(): breakers: expected an object, got []'],
      [
        { version: 1, breakers: { a: 5 } },
        'import(): breakers["a"]: expected an object with window and state, got 5',
      ],
      [
        { version: 1, breakers: { a: { window: null } } },
        'import(): breakers["a"].state: expected an object from toJSON(), got undefined',
      ],
      [
        {
          version: 1,
          breakers: {
            x: state.breakers.x,
            y: { window: null, state: { ...state.breakers.x?.state, counts: { requests: -1 } } },
          },
        },
        'import(): breakers["y"]: initialState.counts.requests: expected an integer >= 0, got -1',
      ],
      [
        {
          version: 1,
          breakers: { y: { window: null, state: { ...state.breakers.x?.state, state: 'ajar' } } },
        },
        `import(): breakers["y"]: initialState.state: expected 'closed', 'half-open' or 'open', got "ajar"`,
      ],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => manager.import(input as ManagerState), { name: 'TypeError', message });
    }
    assert.equal(manager.size, 0, 'nothing half-applied: x was valid but not imported');
  });
});
