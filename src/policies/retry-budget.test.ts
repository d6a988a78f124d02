import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../core/clock.js';
import { ManualClock } from '../testing/manual-clock.js';
import { retryBudget } from './retry-budget.js';

function takeAll(budget: { tryRetry(): boolean }): number {
  let n = 0;
  while (budget.tryRetry()) n++;
  return n;
}

describe('retryBudget', () => {
  it('allows ratio * calls retries when the floor is 0', () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.2, minRetriesPerSecond: 0, clock });
    for (let i = 0; i < 10; i++) budget.recordCall();
    assert.equal(budget.available, 2);
    assert.equal(takeAll(budget), 2);
    assert.equal(budget.retries, 2);
    assert.equal(budget.calls, 10);
    assert.equal(budget.available, 0);
    for (let i = 0; i < 4; i++) budget.recordCall();
    // 14 calls * 0.2 = 2.8: still no third retry
    assert.equal(budget.tryRetry(), false);
    budget.recordCall();
    assert.equal(budget.tryRetry(), true);
  });

  it('adds a floor of minRetriesPerSecond * window / 1000', () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.2, minRetriesPerSecond: 1, window: 5000, clock });
    assert.equal(budget.available, 5);
    assert.equal(takeAll(budget), 5);
    for (let i = 0; i < 10; i++) budget.recordCall();
    assert.equal(takeAll(budget), 2);
  });

  it('defaults: ratio 0.2, 10 retries per second, 10 s window', () => {
    const budget = retryBudget({ clock: new ManualClock() });
    assert.equal(budget.available, 100);
    for (let i = 0; i < 50; i++) budget.recordCall();
    assert.equal(budget.available, 110);
  });

  it('is exact for ratios that do not multiply to a whole number in floating point', () => {
    const budget = retryBudget({ ratio: 0.57, minRetriesPerSecond: 0, clock: new ManualClock() });
    for (let i = 0; i < 100; i++) budget.recordCall();
    assert.equal(0.57 * 100 < 57, true); // the trap
    assert.equal(takeAll(budget), 57);
  });

  it('forgets calls and retries older than the window, bucket by bucket', () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.5, minRetriesPerSecond: 0, window: 1000, clock });
    for (let i = 0; i < 4; i++) budget.recordCall(); // bucket [0, 100)
    assert.equal(takeAll(budget), 2);
    clock.advance(500);
    for (let i = 0; i < 2; i++) budget.recordCall(); // bucket [500, 600)
    assert.equal(budget.calls, 6);
    assert.equal(takeAll(budget), 1);
    clock.set(999);
    assert.equal(budget.calls, 6);
    assert.equal(budget.retries, 3);
    clock.set(1000); // the first bucket has left the window
    assert.equal(budget.calls, 2);
    assert.equal(budget.retries, 1);
    assert.equal(budget.available, 0);
    clock.set(1500);
    assert.equal(budget.calls, 0);
    assert.equal(budget.retries, 0);
  });

  it('ratio 0 and floor 0 allows no retry at all', () => {
    const budget = retryBudget({ ratio: 0, minRetriesPerSecond: 0, clock: new ManualClock() });
    for (let i = 0; i < 1000; i++) budget.recordCall();
    assert.equal(budget.tryRetry(), false);
  });

  it('validates its options, naming the option and quoting the value', () => {
    assert.throws(() => retryBudget({ ratio: -0.1 }), {
      name: 'RangeError',
      message: 'retryBudget option ratio must be a number >= 0, got -0.1',
    });
    assert.throws(() => retryBudget({ minRetriesPerSecond: '10' as unknown as number }), {
      name: 'TypeError',
      message: 'retryBudget option minRetriesPerSecond must be a number, got "10"',
    });
    assert.throws(() => retryBudget({ window: 5 }), {
      name: 'RangeError',
      message: 'retryBudget option window must be a number >= 10, got 5',
    });
    assert.throws(() => retryBudget({ clock: {} as unknown as Clock }), {
      name: 'TypeError',
      message: 'retryBudget option clock must have a now() method, got {}',
    });
    assert.throws(() => retryBudget({ ration: 0.1 } as object), {
      name: 'TypeError',
      message: 'unknown retryBudget option ration (did you mean ratio?)',
    });
  });
});
