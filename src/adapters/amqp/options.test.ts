import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../core/circuit-breaker.js';
import { DEFAULT_PREFETCH, resolveConsumeOptions } from './options.js';

describe('resolveConsumeOptions', () => {
  it('applies defaults and makes a breaker from options', () => {
    const o = resolveConsumeOptions({ breaker: { name: 'orders' } });
    assert.equal(o.prefetch, DEFAULT_PREFETCH);
    assert.equal(o.maxAttempts, Infinity);
    assert.ok(o.breaker instanceof CircuitBreaker);
    assert.equal(o.breaker.name, 'orders');
  });

  it('uses a breaker instance as it is', () => {
    const breaker = new CircuitBreaker();
    assert.equal(resolveConsumeOptions({ breaker, prefetch: 1, maxAttempts: 5 }).breaker, breaker);
  });

  it('names the option and quotes the value it refuses', () => {
    const cases: [unknown, RegExp][] = [
      [null, /consume options must be an object.*got null/],
      [{}, /breaker is required/],
      [{ breaker: {}, prefetch: 70000 }, /prefetch must be an integer from 1 to 65535, got 70000/],
      [{ breaker: {}, prefetch: '5' }, /prefetch must be an integer from 1 to 65535, got "5"/],
      [{ breaker: {}, maxAttempts: 0 }, /maxAttempts must be an integer >= 1 or Infinity, got 0/],
      [{ breaker: {}, onError: 1 }, /onError must be a function, got 1/],
      [
        { breaker: {}, maxAttempt: 1 },
        /unknown consume option maxAttempt \(did you mean maxAttempts\?\)/,
      ],
      [{ breaker: 'x' }, /breaker must be a CircuitBreaker or breaker options, got "x"/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => resolveConsumeOptions(options as never), message);
    }
  });
});
