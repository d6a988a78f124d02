import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { DependencyOpenError, ManagerClosedError } from './errors.js';
import { CircuitBreakerManager } from './manager.js';

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('boom'));

describe('manager.service(name): a handle for hot paths', () => {
  it('runs calls through the service breaker, with the dependency check', async () => {
    const manager = new CircuitBreakerManager({
      clock: new ManualClock(),
      defaults: { consecutiveFailures: 1 },
      services: { db: {}, api: { dependsOn: ['db'] } },
    });
    const api = manager.service('api');
    assert.equal(api.name, 'api');
    assert.equal(api.breaker, manager.get('api'));
    assert.equal(await api.execute(ok), 'ok');
    assert.deepEqual(await api.tryExecute(ok), { ok: true, value: 'ok' });
    await assert.rejects(manager.execute('db', boom));
    await assert.rejects(api.execute(ok), DependencyOpenError);
    const result = await api.tryExecute(ok);
    if (result.ok) assert.fail('expected { ok: false }');
    assert.ok(result.error instanceof DependencyOpenError);
    assert.equal(manager.get('api').counts.requests, 2);
  });

  it('follows the service across eviction, settings changes and import', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, idleTimeout: 100, sweepInterval: 100 });
    const handle = manager.service('a');
    const first = handle.breaker;
    clock.advance(200);
    assert.equal(manager.has('a'), false);
    await handle.execute(ok);
    const second = manager.get('a');
    assert.notEqual(second, first);
    assert.equal(handle.breaker, second);
    assert.equal(second.counts.totalSuccesses, 1);

    manager.configure({ idleTimeout: 100, sweepInterval: 100, defaults: { maxRequests: 3 } });
    assert.notEqual(manager.get('a'), second);
    await handle.execute(ok);
    assert.equal(manager.get('a').counts.totalSuccesses, 2, 'state carried, call counted');

    manager.import({
      version: 1,
      at: 0,
      breakers: {
        a: { window: null, state: { ...manager.get('a').toJSON(), forced: 'open', state: 'open' } },
      },
    });
    await assert.rejects(handle.execute(ok), { name: 'BreakerOpenError' });
  });

  it('counts as a use, so a busy handle keeps its breaker', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, idleTimeout: 100, sweepInterval: 50 });
    const handle = manager.service('a');
    const breaker = handle.breaker;
    for (let i = 0; i < 10; i++) {
      await handle.execute(ok);
      clock.advance(50);
    }
    assert.equal(manager.get('a'), breaker);
  });

  it('refuses a bad name at once; after close its calls reject', async () => {
    const manager = new CircuitBreakerManager();
    assert.throws(() => manager.service(''), {
      name: 'TypeError',
      message: 'service must be a non-empty string, got ""',
    });
    const handle = manager.service('a');
    manager.close();
    await assert.rejects(handle.execute(ok), ManagerClosedError);
    const result = await handle.tryExecute(ok);
    assert.equal(result.ok, false);
    assert.throws(() => manager.service('b'), ManagerClosedError);
  });
});
