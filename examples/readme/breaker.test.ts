import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

describe('a breaker on a ManualClock', () => {
  it('opens after six failures in a row and probes once the timeout has passed', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, timeout: 30_000, maxRequests: 2 });
    const fail = () => Promise.reject(new Error('down'));

    // The default rule trips after more than 5 consecutive failures.
    for (let i = 0; i < 6; i++) await breaker.tryExecute(fail);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, 30_000);

    clock.advance(29_999);
    assert.equal(breaker.state, 'open');
    clock.advance(1); // deadlines are inclusive
    assert.equal(breaker.state, 'half-open');

    // maxRequests (2) successful probes in a row close it.
    assert.equal(await breaker.execute(() => 'ok'), 'ok');
    assert.equal(await breaker.execute(() => 'ok'), 'ok');
    assert.equal(breaker.state, 'closed');
  });
});
