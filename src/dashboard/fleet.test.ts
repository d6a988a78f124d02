import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import type { CircuitState } from '../core/types.js';
import { CircuitBreakerManager } from '../manager/manager.js';
import { ManualClock } from '../testing/manual-clock.js';
import { computeCascade, resolveTarget } from './fleet.js';

function states(...list: CircuitState[]) {
  return list.map((state, i) => ({ name: `s${i}`, state }));
}

describe('computeCascade', () => {
  it('is on above the threshold share of open breakers, with at least minimumOpen', () => {
    assert.deepEqual(computeCascade(states('open', 'closed', 'open'), 50, 2), {
      active: true,
      open: 2,
      total: 3,
      share: 2 / 3,
      services: ['s0', 's2'],
      threshold: 50,
      minimumOpen: 2,
      source: 'dashboard',
    });
    // Exactly the threshold is not above it.
    assert.equal(
      computeCascade(states('open', 'open', 'closed', 'half-open'), 50, 2).active,
      false,
    );
    // One open breaker of one is 100 %, but one is not a cascade.
    assert.equal(computeCascade(states('open'), 50, 2).active, false);
    assert.equal(computeCascade(states('open'), 50, 1).active, true);
    assert.deepEqual(computeCascade([], 50, 2), {
      active: false,
      open: 0,
      total: 0,
      share: 0,
      services: [],
      threshold: 50,
      minimumOpen: 2,
      source: 'dashboard',
    });
  });
});

describe('resolveTarget', () => {
  it('reads a manager as a source, with its cascade signal', () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, cascadeThreshold: 40 });
    const a = manager.get('a');
    const { source, cascade } = resolveTarget(manager);
    assert.deepEqual([...source.breakers()], [a]);
    const added: string[] = [];
    const removed: string[] = [];
    source.onAdd?.((b) => added.push(b.name));
    source.onRemove?.((b) => removed.push(b.name));
    const b = manager.get('b');
    assert.deepEqual([...source.breakers()], [a, b]);
    manager.remove('a');
    assert.deepEqual([added, removed], [['b'], ['a']]);

    let changes = 0;
    assert.ok(cascade);
    cascade.subscribe(() => changes++);
    manager.get('c').forceOpen();
    b.forceOpen();
    assert.deepEqual(cascade.read(), {
      active: true,
      open: 2,
      total: 2,
      share: 1,
      services: ['b', 'c'],
    });
    assert.equal(changes, 1);
  });

  it('takes a breaker or an array of them, without a cascade signal of their own', () => {
    const one = new CircuitBreaker({ name: 'one' });
    const two = new CircuitBreaker({ name: 'two' });
    assert.deepEqual([...resolveTarget(one).source.breakers()], [one]);
    const { source, cascade } = resolveTarget([one, two]);
    assert.deepEqual([...source.breakers()], [one, two]);
    assert.equal(cascade, undefined);
  });

  it('refuses anything else, quoting it', () => {
    assert.throws(() => resolveTarget({ name: 'x' }), {
      name: 'TypeError',
      message:
        'dashboard(target): expected a CircuitBreaker, an array of them, a BreakerSource or a CircuitBreakerManager, got {"name":"x"}',
    });
    assert.throws(() => resolveTarget([{ name: 'x' }]), {
      name: 'TypeError',
      message: 'dashboard(target): element 0 must be a CircuitBreaker, got {"name":"x"}',
    });
  });
});
