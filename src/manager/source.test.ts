import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { BreakerWatcher, fromBreakers, toSource, type BreakerSource } from './source.js';

describe('breaker sources', () => {
  it('fromBreakers makes a set that tells its watchers about adds and removes', () => {
    const a = new CircuitBreaker({ name: 'a' });
    const b = new CircuitBreaker({ name: 'b' });
    const set = fromBreakers([a], b, a);
    assert.equal(set.size, 2);
    const log: string[] = [];
    const offAdd = set.onAdd((x) => log.push(`+${x.name}`));
    set.onRemove((x) => log.push(`-${x.name}`));
    const c = new CircuitBreaker({ name: 'c' });
    set.add(c).add(c);
    assert.equal(set.remove(a), true);
    assert.equal(set.remove(a), false);
    offAdd();
    set.add(a);
    assert.deepEqual(log, ['+c', '-a']);
    assert.deepEqual(
      [...set.breakers()].map((x) => x.name),
      ['b', 'c', 'a'],
    );
  });

  it('BreakerWatcher attaches once per breaker and detaches with the reason', () => {
    const a = new CircuitBreaker({ name: 'a' });
    const b = new CircuitBreaker({ name: 'b' });
    const list = [a];
    const log: string[] = [];
    const source: BreakerSource = { breakers: () => list };
    const w = new BreakerWatcher(source, (x) => {
      log.push(`attach ${x.name}`);
      return (reason) => log.push(`detach ${x.name} ${reason}`);
    });
    w.reconcile();
    list.splice(0, 1, b);
    w.reconcile();
    w.close();
    w.close();
    assert.deepEqual(log, ['attach a', 'attach b', 'detach a removed', 'detach b closed']);
  });

  it('toSource rejects what is neither a breaker, an array of them, nor a source', () => {
    const b = new CircuitBreaker();
    assert.deepEqual([...toSource(b, 'x').breakers()], [b]);
    const source = { breakers: () => [b] };
    assert.equal(toSource(source, 'x'), source);
    assert.throws(() => toSource('b' as never, 'here(target)'), {
      name: 'TypeError',
      message:
        'here(target): expected a CircuitBreaker, an array of them or a BreakerSource, got "b"',
    });
    assert.throws(() => fromBreakers(b, null as never), {
      name: 'TypeError',
      message: 'fromBreakers: argument 1 must be a CircuitBreaker, got null',
    });
  });
});
