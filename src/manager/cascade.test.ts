import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreakerError } from '../core/errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { DependencyOpenError } from './errors.js';
import { CircuitBreakerManager } from './manager.js';
import type { CascadeEvent, FleetTransitionEvent } from './types.js';

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('boom'));

function chain(): { clock: ManualClock; manager: CircuitBreakerManager } {
  const clock = new ManualClock();
  const manager = new CircuitBreakerManager({
    clock,
    defaults: { consecutiveFailures: 1, timeout: 1000 },
    services: {
      db: {},
      cache: {},
      ledger: { dependsOn: ['db'] },
      payments: { dependsOn: ['cache', 'ledger'] },
    },
  });
  return { clock, manager };
}

describe('dependencies: fail fast while a dependency is open', () => {
  it('rejects with DependencyOpenError naming the open dependency, without running fn', async () => {
    const { clock, manager } = chain();
    await assert.rejects(manager.execute('db', boom), { message: 'boom' });
    clock.advance(600);
    let ran = 0;
    const call = manager.execute('ledger', () => {
      ran++;
      return ok();
    });
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof DependencyOpenError);
      assert.ok(error instanceof BreakerError);
      assert.ok(BreakerError.is(error));
      assert.equal(error.name, 'DependencyOpenError');
      assert.equal(error.code, 'ERR_DEPENDENCY_OPEN');
      assert.equal(error.message, 'dependency "db" of "ledger" is open');
      assert.equal(error.breakerName, 'ledger');
      assert.equal(error.dependency, 'db');
      assert.deepEqual(error.path, ['ledger', 'db']);
      assert.equal(error.retryAfter, 400);
      return true;
    });
    assert.equal(ran, 0);
  });

  it('follows dependencies of dependencies and names the path', async () => {
    const { manager } = chain();
    await assert.rejects(manager.execute('db', boom));
    await assert.rejects(manager.execute('payments', ok), {
      name: 'DependencyOpenError',
      message: 'dependency "db" of "payments" is open (payments -> ledger -> db)',
      dependency: 'db',
      path: ['payments', 'ledger', 'db'],
    });
  });

  it('names the deepest open dependency: the root cause', async () => {
    const { manager } = chain();
    await assert.rejects(manager.execute('db', boom));
    manager.get('ledger').forceOpen();
    await assert.rejects(manager.execute('payments', ok), { dependency: 'db' });
    manager.get('db').reset();
    await assert.rejects(manager.execute('payments', ok), {
      dependency: 'ledger',
      retryAfter: Infinity,
    });
  });

  it("leaves the service's own breaker alone: no admission taken, nothing recorded", async () => {
    const { clock, manager } = chain();
    await assert.rejects(manager.execute('ledger', boom)); // ledger open
    clock.advance(1000); // ledger half-open, one probe allowed
    await assert.rejects(manager.execute('db', boom)); // db open at 1000
    await assert.rejects(manager.execute('ledger', ok), DependencyOpenError);
    await assert.rejects(manager.execute('ledger', ok), DependencyOpenError);
    const ledger = manager.get('ledger');
    assert.equal(ledger.state, 'half-open');
    assert.equal(ledger.counts.requests, 0);
    clock.advance(1000); // db half-open: calls go through again
    assert.equal(await manager.execute('ledger', ok), 'ok');
    assert.equal(ledger.state, 'closed');
  });

  it('lets calls through once the dependency is half-open, and when it has no breaker yet', async () => {
    const { clock, manager } = chain();
    assert.equal(await manager.execute('payments', ok), 'ok');
    assert.equal(manager.has('db'), false);
    await assert.rejects(manager.execute('db', boom));
    clock.advance(1000);
    assert.equal(await manager.execute('payments', ok), 'ok');
  });

  it('tryExecute resolves to { ok: false, error: DependencyOpenError }', async () => {
    const { manager } = chain();
    await assert.rejects(manager.execute('cache', boom));
    const result = await manager.tryExecute('payments', ok);
    if (result.ok) assert.fail('expected { ok: false }');
    assert.ok(result.error instanceof DependencyOpenError);
    assert.equal(result.error.dependency, 'cache');
  });

  it('an aborted signal wins over an open dependency, as in the core', async () => {
    const { manager } = chain();
    await assert.rejects(manager.execute('db', boom));
    const reason = new Error('caller gave up');
    await assert.rejects(
      manager.execute('ledger', ok, { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
  });

  it('the snapshot shows which breakers are blocked, and which are open because of another', async () => {
    const { manager } = chain();
    await assert.rejects(manager.get('payments').execute(boom)); // payments open on its own
    await assert.rejects(manager.execute('db', boom));
    manager.get('ledger');
    manager.get('cache');
    const view = manager.snapshot().map(({ name, state, dependsOn, blockedBy, openBecause }) => ({
      name,
      state,
      dependsOn,
      blockedBy,
      openBecause,
    }));
    assert.deepEqual(view, [
      { name: 'cache', state: 'closed', dependsOn: [], blockedBy: null, openBecause: null },
      { name: 'db', state: 'open', dependsOn: [], blockedBy: null, openBecause: null },
      { name: 'ledger', state: 'closed', dependsOn: ['db'], blockedBy: 'db', openBecause: null },
      {
        name: 'payments',
        state: 'open',
        dependsOn: ['cache', 'ledger'],
        blockedBy: 'db',
        openBecause: 'db',
      },
    ]);
  });

  it('a state change to open while a dependency is open says so in the fleet event', async () => {
    const { manager } = chain();
    const events: FleetTransitionEvent[] = [];
    manager.onTransition((e) => events.push(e));
    await assert.rejects(manager.execute('db', boom));
    await assert.rejects(manager.get('ledger').execute(boom));
    assert.deepEqual(
      events.map((e) => [e.service, e.to, e.openBecause]),
      [
        ['db', 'open', null],
        ['ledger', 'open', 'db'],
      ],
    );
  });

  it('configure() changes the graph as a whole', async () => {
    const { manager } = chain();
    await assert.rejects(manager.execute('db', boom));
    manager.configure({
      defaults: { consecutiveFailures: 1, timeout: 1000 },
      services: { db: {}, ledger: {} },
    });
    assert.equal(await manager.execute('ledger', ok), 'ok');
    assert.throws(
      () =>
        manager.configure({
          services: { db: { dependsOn: ['ledger'] }, ledger: { dependsOn: ['db'] } },
        }),
      {
        message:
          'manager option services.ledger.dependsOn[0]: dependency cycle: db -> ledger -> db',
      },
    );
    assert.equal(await manager.execute('ledger', ok), 'ok');
  });
});

describe('cascade signal', () => {
  function fleet(threshold: number, minimumOpen?: number) {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({
      clock,
      defaults: { consecutiveFailures: 1, timeout: 1000 },
      cascadeThreshold: threshold,
      ...(minimumOpen === undefined ? {} : { cascadeMinimumOpen: minimumOpen }),
    });
    const events: CascadeEvent[] = [];
    manager.onCascade((e) => events.push(e));
    return { clock, manager, events };
  }

  it('turns on when more than the threshold share is open, and off when it falls back', async () => {
    const { clock, manager, events } = fleet(50);
    for (const name of ['a', 'b', 'c', 'd']) manager.get(name);
    await assert.rejects(manager.execute('a', boom));
    clock.advance(10);
    await assert.rejects(manager.execute('b', boom));
    assert.deepEqual(events, [], '2 of 4 is 50%: not more than the threshold');
    assert.equal(manager.cascade.active, false);
    clock.advance(10);
    await assert.rejects(manager.execute('c', boom));
    assert.deepEqual(events, [
      { active: true, open: 3, total: 4, share: 0.75, services: ['a', 'b', 'c'], at: 20 },
    ]);
    assert.deepEqual(manager.cascade, {
      active: true,
      open: 3,
      total: 4,
      share: 0.75,
      services: ['a', 'b', 'c'],
    });
    clock.advance(980); // a turns half-open at 1000, when someone looks
    assert.equal(events.length, 1);
    assert.equal(manager.cascade.active, false);
    assert.deepEqual(events[1], {
      active: false,
      open: 2,
      total: 4,
      share: 0.5,
      services: ['b', 'c'],
      at: 1000,
    });
  });

  it('new breakers dilute the share', async () => {
    const { manager, events } = fleet(50);
    manager.get('a');
    await assert.rejects(manager.execute('b', boom));
    await assert.rejects(manager.execute('c', boom));
    assert.deepEqual(
      events.map((e) => [e.active, e.open, e.total]),
      [[true, 2, 3]],
    );
    manager.get('d');
    assert.deepEqual(
      events.map((e) => [e.active, e.open, e.total]),
      [
        [true, 2, 3],
        [false, 2, 4],
      ],
    );
  });

  it('one open breaker is not a cascade (cascadeMinimumOpen, default 2)', async () => {
    const { manager, events } = fleet(10);
    await assert.rejects(manager.execute('only', boom));
    assert.equal(manager.cascade.active, false);
    assert.deepEqual(events, []);
    const single = fleet(10, 1);
    await assert.rejects(single.manager.execute('only', boom));
    assert.equal(single.manager.cascade.active, true);
  });

  it('removing open breakers or the threshold ends it', async () => {
    const { manager, events } = fleet(50);
    await assert.rejects(manager.execute('a', boom));
    await assert.rejects(manager.execute('b', boom));
    assert.equal(manager.cascade.active, true);
    manager.remove('a');
    assert.equal(manager.cascade.active, false);
    await assert.rejects(manager.execute('a', boom));
    assert.equal(manager.cascade.active, true);
    manager.configure({ defaults: { consecutiveFailures: 1, timeout: 1000 } });
    assert.equal(manager.cascade.active, false);
    assert.deepEqual(
      events.map((e) => e.active),
      [true, false, true, false],
    );
  });

  it('without a threshold there is no signal, but the status still counts', async () => {
    const manager = new CircuitBreakerManager({ defaults: { consecutiveFailures: 1 } });
    await assert.rejects(manager.execute('a', boom));
    assert.deepEqual(manager.cascade, {
      active: false,
      open: 1,
      total: 1,
      share: 1,
      services: ['a'],
    });
  });
});
