import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { CircuitBreakerManager } from '../manager/index.js';
import { describeRules } from './rules.js';

const summary = (b: CircuitBreaker): string => describeRules(b.settings).summary;

describe('describeRules', () => {
  it("reads the failures in a row from the breaker's own trip rule, not a fixed 6", () => {
    assert.equal(
      summary(new CircuitBreaker({ name: 'a' })),
      'trips after 6 failures in a row; open 60s, then 1 probe',
    );
    const manager = new CircuitBreakerManager({
      defaults: { consecutiveFailures: 3, timeout: 2000 },
    });
    assert.equal(
      summary(manager.get('b')),
      'trips after 3 failures in a row; open 2s, then 1 probe',
    );
    manager.close();
    assert.equal(
      summary(new CircuitBreaker({ name: 'c', readyToTrip: (c) => c.consecutiveFailures >= 1 })),
      'trips after 1 failure in a row; open 60s, then 1 probe',
    );
  });

  it('says "its own rule" for a rule on something else, or one that throws', () => {
    const ratio = new CircuitBreaker({
      name: 'ratio',
      readyToTrip: (c) => c.requests >= 10 && c.totalFailures / c.requests > 0.5,
    });
    assert.match(summary(ratio), /^trips by its own rule;/);
    const throwing = new CircuitBreaker({
      name: 'throwing',
      readyToTrip: () => {
        throw new Error('no');
      },
    });
    assert.match(summary(throwing), /^trips by its own rule;/);
  });
});
