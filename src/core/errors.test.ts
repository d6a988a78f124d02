// The errors of shared/API.md: classes, names, codes, messages, breakerName, BreakerError.is,
// retryAfter, and no stack capture on the breaker's own fail-fast rejections.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0 } from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  BreakerError,
  BreakerOpenError,
  CallTimeoutError,
  ErrorCodes,
  TooManyRequestsError,
} from './errors.js';

async function openBreaker(name: string, clock: ManualClock): Promise<CircuitBreaker> {
  const breaker = new CircuitBreaker({ clock, name, timeout: 10_000 });
  for (let i = 0; i < 6; i++)
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
  assert.equal(breaker.state, 'open');
  return breaker;
}

describe('error classes', () => {
  it('ErrorCodes are stable strings', () => {
    assert.deepEqual(ErrorCodes, {
      open: 'ERR_BREAKER_OPEN',
      tooManyRequests: 'ERR_TOO_MANY_REQUESTS',
      callTimeout: 'ERR_CALL_TIMEOUT',
    });
  });

  it('BreakerOpenError: message, name, code, breakerName, retryAfter', () => {
    const e = new BreakerOpenError('payments', 1234);
    assert.ok(e instanceof BreakerOpenError && e instanceof BreakerError && e instanceof Error);
    assert.equal(e.message, 'circuit breaker is open');
    assert.equal(e.name, 'BreakerOpenError');
    assert.equal(e.code, 'ERR_BREAKER_OPEN');
    assert.equal(e.breakerName, 'payments');
    assert.equal(e.retryAfter, 1234);
    assert.equal(String(e), 'BreakerOpenError: circuit breaker is open');
  });

  it('TooManyRequestsError: message, name, code, breakerName', () => {
    const e = new TooManyRequestsError('');
    assert.ok(e instanceof BreakerError);
    assert.equal(e.message, 'too many requests');
    assert.equal(e.name, 'TooManyRequestsError');
    assert.equal(e.code, 'ERR_TOO_MANY_REQUESTS');
    assert.equal(e.breakerName, '');
  });

  it("CallTimeoutError: name 'TimeoutError', code, timeout, message", () => {
    const e = new CallTimeoutError('api', 250);
    assert.ok(e instanceof BreakerError);
    assert.equal(e.name, 'TimeoutError');
    assert.equal(e.code, 'ERR_CALL_TIMEOUT');
    assert.equal(e.timeout, 250);
    assert.equal(e.breakerName, 'api');
    assert.equal(e.message, 'call timed out after 250 ms');
  });

  it('BreakerError itself', () => {
    const e = new BreakerError('m', 'ERR_CUSTOM', 'b', { cause: 'why' });
    assert.equal(e.name, 'BreakerError');
    assert.equal(e.code, 'ERR_CUSTOM');
    assert.equal(e.cause, 'why');
  });

  it('BreakerError.is recognises every breakwater error, even from another copy', () => {
    for (const e of [
      new BreakerOpenError('a', 1),
      new TooManyRequestsError('a'),
      new CallTimeoutError('a', 1),
      new BreakerError('m', 'X', 'a'),
      BreakerOpenError.fast('a', 1),
    ]) {
      assert.equal(BreakerError.is(e), true);
    }
    // Another copy of the package brands its prototype with the same registered symbol.
    const foreign = Object.create({ [Symbol.for('breakwater.error')]: true }) as object;
    assert.equal(BreakerError.is(foreign), true);
    for (const other of [
      new Error('x'),
      null,
      undefined,
      'ERR_BREAKER_OPEN',
      { code: 'ERR_BREAKER_OPEN' },
      42,
    ]) {
      assert.equal(BreakerError.is(other), false);
    }
  });
});

describe('errors raised by a breaker', () => {
  it('BreakerOpenError carries the breaker name and the ms until half-open', async () => {
    const clock = new ManualClock(T0);
    const breaker = await openBreaker('inventory', clock);
    clock.advance(2500);
    const e = await breaker.execute(() => 1).catch((x: unknown) => x);
    assert.ok(e instanceof BreakerOpenError);
    assert.equal(e.breakerName, 'inventory');
    assert.equal(e.retryAfter, 7500);
    assert.equal(e.code, ErrorCodes.open);
  });

  it('BreakerOpenError has no stack frames: the stack is just its first line', async () => {
    const clock = new ManualClock(T0);
    const breaker = await openBreaker('x', clock);
    const e = await breaker.execute(() => 1).catch((x: unknown) => x);
    assert.ok(e instanceof BreakerOpenError);
    assert.equal(e.stack, 'BreakerOpenError: circuit breaker is open');
    let thrown: unknown;
    try {
      breaker.allow();
    } catch (x) {
      thrown = x;
    }
    assert.equal((thrown as Error).stack, 'BreakerOpenError: circuit breaker is open');
    // Error.stackTraceLimit is restored afterwards.
    assert.ok((new Error('probe').stack ?? '').split('\n').length > 1);
  });

  it('TooManyRequestsError from a breaker has no stack frames either', async () => {
    const clock = new ManualClock(T0);
    const breaker = await openBreaker('y', clock);
    clock.advance(10_000);
    const probe = breaker.execute(() => new Promise(() => undefined));
    const e = await breaker.execute(() => 1).catch((x: unknown) => x);
    assert.ok(e instanceof TooManyRequestsError);
    assert.equal(e.stack, 'TooManyRequestsError: too many requests');
    assert.equal(e.breakerName, 'y');
    void probe;
  });

  it('errors constructed by users keep their stack', () => {
    const e = new BreakerOpenError('z', 0);
    assert.ok((e.stack ?? '').split('\n').length > 1);
  });

  it('a forced-open rejection has retryAfter Infinity', async () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock(T0) });
    breaker.forceOpen();
    const e = await breaker.execute(() => 1).catch((x: unknown) => x);
    assert.ok(e instanceof BreakerOpenError);
    assert.equal(e.retryAfter, Infinity);
  });
});
