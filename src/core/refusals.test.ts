import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerError, BreakerOpenError, isRefusal, markAsRefusal } from './errors.js';

class QueueFullError extends BreakerError {
  constructor() {
    super('queue full', 'ERR_QUEUE_FULL', 'q');
  }
}
markAsRefusal(QueueFullError);

describe('refusals of inner policies', () => {
  it('records an inner breaker rejection as excluded, never as a failure', async () => {
    const inner = new CircuitBreaker({ name: 'inner' });
    inner.forceOpen();
    const outer = new CircuitBreaker({ name: 'outer', readyToTrip: (c) => c.totalFailures >= 1 });
    for (let i = 0; i < 5; i++) {
      await assert.rejects(
        outer.execute(() => inner.execute(() => 1)),
        BreakerOpenError,
      );
    }
    assert.equal(outer.state, 'closed');
    assert.deepEqual(outer.counts, {
      requests: 5,
      totalSuccesses: 0,
      totalFailures: 0,
      totalExclusions: 5,
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
    });
  });

  it('treats errors of classes marked with markAsRefusal the same way', async () => {
    const breaker = new CircuitBreaker({ readyToTrip: () => true });
    await assert.rejects(
      breaker.execute(() => Promise.reject(new QueueFullError())),
      QueueFullError,
    );
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.counts.totalExclusions, 1);
    assert.equal(isRefusal(new QueueFullError()), true);
    assert.equal(isRefusal(new Error('x')), false);
    assert.equal(isRefusal(null), false);
  });

  it('still counts an ordinary error as a failure', async () => {
    const breaker = new CircuitBreaker({ readyToTrip: () => true });
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('down'))));
    assert.equal(breaker.state, 'open');
  });
});

describe('CircuitBreaker.is', () => {
  it('recognises breakers and subclasses by brand, and nothing shaped like one', () => {
    class Named extends CircuitBreaker {}
    assert.equal(CircuitBreaker.is(new CircuitBreaker()), true);
    assert.equal(CircuitBreaker.is(new Named()), true);
    const lookalike = { execute: () => 1, allow: () => 1, onTransition: () => 1, name: '' };
    assert.equal(CircuitBreaker.is(lookalike), false);
    assert.equal(CircuitBreaker.is(null), false);
  });
});

describe('callsInFlight', () => {
  it('counts admitted calls until their outcome is reported, of any generation', async () => {
    const breaker = new CircuitBreaker({ readyToTrip: (c) => c.totalFailures >= 1 });
    let release!: () => void;
    const slow = breaker.execute(() => new Promise<void>((r) => (release = r)));
    const done = breaker.allow();
    assert.equal(breaker.callsInFlight, 2);
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('down'))));
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.callsInFlight, 2, 'calls of the old generation are still out');
    await assert.rejects(
      breaker.execute(() => 1),
      BreakerOpenError,
    );
    assert.equal(breaker.callsInFlight, 2, 'a rejected call was never in flight');
    release();
    await slow;
    done(true);
    assert.equal(breaker.callsInFlight, 0);
  });
});
