import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { evaluateFleet, pooledRuleOf, type PooledRule } from './pooled-rule.js';

const rule: PooledRule = {
  failureRateThreshold: 50,
  slowCallRateThreshold: undefined,
  minimumCalls: 20,
  window: { size: 1000, buckets: 10 },
};
const inst = (instance: string, calls: number, failures: number, slow = 0) => ({
  instance,
  calls,
  failures,
  slow,
});

describe('pooledRuleOf', () => {
  it('pools only breakers with a time window and a rate threshold', () => {
    const time = { kind: 'time', size: 2000, buckets: 4 } as const;
    assert.deepEqual(
      pooledRuleOf(new CircuitBreaker({ window: time, failureRateThreshold: 40 }).settings),
      {
        failureRateThreshold: 40,
        slowCallRateThreshold: undefined,
        minimumCalls: 1,
        window: { size: 2000, buckets: 4 },
      },
    );
    assert.equal(pooledRuleOf(new CircuitBreaker().settings), undefined);
    assert.equal(pooledRuleOf(new CircuitBreaker({ window: time }).settings), undefined);
    const count = { kind: 'count', size: 10 } as const;
    assert.equal(
      pooledRuleOf(new CircuitBreaker({ window: count, failureRateThreshold: 40 }).settings),
      undefined,
    );
  });
});

describe('evaluateFleet', () => {
  it('opens on pooled evidence no instance has alone (5 x 6 calls, minimumCalls 20)', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((i) => inst(i, 6, 6));
    const e = evaluateFleet(rule, five, 0.5, 2);
    assert.deepEqual(e, {
      calls: 30,
      failures: 30,
      slow: 0,
      reporting: 5,
      votes: 5,
      pooledTrips: true,
      open: true,
    });
    assert.equal(evaluateFleet(rule, five.slice(0, 3), 0.5, 2).open, false, '18 < minimumCalls');
  });

  it('one sick instance does not open the fleet (minInstances), even when it dominates the pool', () => {
    const e = evaluateFleet(rule, [inst('a', 40, 40), inst('b', 3, 0), inst('c', 3, 0)], 0.5, 2);
    assert.equal(e.pooledTrips, true);
    assert.equal(e.votes, 1);
    assert.equal(e.open, false);
  });

  it('the quorum is strictly more than the share of reporting instances', () => {
    const sick = (n: number) =>
      Array.from({ length: 5 }, (_, i) => (i < n ? inst(`s${i}`, 20, 20) : inst(`h${i}`, 5, 0)));
    assert.equal(evaluateFleet(rule, sick(2), 0.5, 2).open, false, '2 of 5');
    assert.equal(evaluateFleet(rule, sick(3), 0.5, 2).open, true, '3 of 5');
    const half = [inst('a', 20, 20), inst('b', 20, 20), inst('c', 20, 0), inst('d', 20, 0)];
    assert.equal(evaluateFleet(rule, half, 0.5, 2).open, false, '2 of 4 is not more than half');
    assert.equal(evaluateFleet(rule, half, 0.49, 2).open, true);
  });

  it('a rate exactly at the threshold counts, for the pool and for a vote; idle instances do not report', () => {
    const e = evaluateFleet(rule, [inst('a', 10, 5), inst('b', 10, 5), inst('c', 0, 0)], 0.5, 2);
    assert.equal(e.reporting, 2);
    assert.equal(e.votes, 2);
    assert.equal(e.open, true);
  });

  it('the slow-call rule pools slow calls the same way', () => {
    const slowRule: PooledRule = {
      ...rule,
      failureRateThreshold: undefined,
      slowCallRateThreshold: 60,
    };
    const e = evaluateFleet(slowRule, [inst('a', 10, 0, 7), inst('b', 10, 0, 6)], 0.5, 2);
    assert.equal(e.open, true);
    assert.equal(
      evaluateFleet(slowRule, [inst('a', 10, 9, 5), inst('b', 10, 9, 6)], 0.5, 2).open,
      false,
    );
  });
});
