import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { BreakerOpenError, CallTimeoutError } from '../core/errors.js';
import type { CallEvent } from '../core/events.js';
import { ManualClock } from '../testing/manual-clock.js';
import { bulkhead } from './bulkhead.js';
import { BulkheadRejectedError } from './errors.js';
import { fallback } from './fallback.js';
import type { CallOptions, Policy, Protected } from './policy.js';
import { retry } from './retry.js';
import { assertInstanceOf, deferred, flush, track } from './support.test.js';
import { timeout } from './timeout.js';
import { wrap } from './wrap.js';

/** A policy that logs when calls enter and leave it. */
function tracer(name: string, log: string[]): Policy {
  return {
    async execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
      log.push(`${name}>`);
      try {
        return await fn(options?.signal ?? new AbortController().signal);
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}

describe('wrap', () => {
  it('runs fn inside the last policy, inside the one before, out to the first', async () => {
    const log: string[] = [];
    const policy = wrap(tracer('a', log), tracer('b', log), tracer('c', log));
    const value = await policy.execute(() => {
      log.push('fn');
      return 42;
    });
    assert.equal(value, 42);
    assert.deepEqual(log, ['a>', 'b>', 'c>', 'fn', '<c', '<b', '<a']);
    assert.equal(policy.policies.length, 3);
  });

  it('wrap() with no policies just runs fn, and a sync throw becomes a rejection', async () => {
    assert.equal(await wrap().execute(() => 'plain'), 'plain');
    await assert.rejects(
      wrap().execute(() => {
        throw new Error('sync');
      }),
      { message: 'sync' },
    );
  });

  it('passes one signal chain down: aborting the caller reaches fn; no listener is left behind', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const breaker = new CircuitBreaker({ clock });
    const policy = wrap(
      retry({ clock, backoff: 0 }),
      breaker,
      bulkhead({ limit: 5 }),
      timeout({ ms: 1000, clock }),
    );
    for (let i = 0; i < 200; i++) {
      assert.equal(await policy.execute(async () => i, { signal: controller.signal }), i);
    }
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    let inner: AbortSignal | undefined;
    const result = track(
      policy.execute(
        (signal) => {
          inner = signal;
          return new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              reject(signal.reason);
            });
          });
        },
        { signal: controller.signal },
      ),
    );
    controller.abort('stop');
    await flush();
    assert.equal(inner?.aborted, true);
    assert.equal(inner.reason, 'stop');
    assert.equal(result.error, 'stop');
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    await assert.rejects(
      policy.execute(() => 1, { signal: controller.signal }),
      (e) => e === 'stop',
    );
  });

  it('a bulkhead rejection inside a breaker is recorded as excluded and never trips it', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, readyToTrip: (c) => c.consecutiveFailures >= 1 });
    const events: CallEvent[] = [];
    breaker.onCall((e) => events.push(e));
    const pool = bulkhead({ limit: 1 });
    const policy = wrap(breaker, pool);
    const work = deferred<string>();
    const running = track(policy.execute(() => work.promise));
    const rejected = Array.from({ length: 100 }, () => track(policy.execute(() => 'never')));
    await flush();
    for (const r of rejected) assertInstanceOf(r.error, BulkheadRejectedError);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, {
      requests: 101,
      totalSuccesses: 0,
      totalFailures: 0,
      totalExclusions: 100,
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
    });
    assert.equal(events.length, 100);
    assert.deepEqual(
      events.map((e) => [e.outcome, e.error instanceof BulkheadRejectedError]),
      Array.from({ length: 100 }, () => ['excluded', true]),
    );
    work.resolve('done');
    await flush();
    assert.equal(running.value, 'done');
    assert.equal(breaker.counts.totalSuccesses, 1);
  });

  it('a real failure inside the same stack still counts, and a timeout is a failure', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, readyToTrip: (c) => c.consecutiveFailures >= 2 });
    const policy = wrap(
      breaker,
      bulkhead({ limit: 1 }),
      timeout({ ms: 100, clock, strategy: 'aggressive' }),
    );
    await assert.rejects(
      policy.execute(() => Promise.reject(new Error('500'))),
      { message: '500' },
    );
    const slow = track(policy.execute(() => new Promise(() => undefined)));
    clock.advance(100);
    await flush();
    assertInstanceOf(slow.error, CallTimeoutError);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.counts.totalFailures, 0); // cleared by the transition
  });

  it('in half-open, a bulkhead rejection gives the probe admission back', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, timeout: 1000, readyToTrip: () => true });
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('down'))));
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    const pool = bulkhead({ limit: 1 });
    const hog = deferred<string>();
    const held = track(pool.execute(() => hog.promise)); // the slot is taken outside the breaker
    const policy = wrap(breaker, pool);
    const refused = track(policy.execute(() => 'probe 1'));
    await flush();
    assertInstanceOf(refused.error, BulkheadRejectedError);
    assert.equal(breaker.state, 'half-open');
    hog.resolve('x');
    await flush();
    assert.equal(held.value, 'x');
    // Without the admission given back, this would be a TooManyRequestsError.
    assert.equal(await policy.execute(() => 'probe 2'), 'probe 2');
    assert.equal(breaker.state, 'closed');
  });

  it('an inner breaker that is open is excluded by the outer one', async () => {
    const outer = new CircuitBreaker({ readyToTrip: (c) => c.consecutiveFailures >= 1 });
    const inner = new CircuitBreaker();
    inner.forceOpen();
    await assert.rejects(
      wrap(outer, inner).execute(() => 1),
      BreakerOpenError,
    );
    assert.equal(outer.state, 'closed');
    assert.equal(outer.counts.totalExclusions, 1);
  });

  it('composes the usual stack: fallback, retry, breaker, bulkhead, timeout', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      timeout: 10_000,
      readyToTrip: (c) => c.consecutiveFailures >= 3,
    });
    let calls = 0;
    const policy = wrap(
      fallback({ value: 'fallback' }),
      retry({ clock, backoff: 100, maxAttempts: 3, breaker }),
      breaker,
      bulkhead({ limit: 10 }),
      timeout({ ms: 1000, clock }),
    );
    const result = track(
      policy.execute((signal) => {
        calls++;
        return new Promise<string>((_, reject) => {
          signal.addEventListener('abort', () => {
            reject(signal.reason);
          });
        });
      }),
    );
    for (const step of [1000, 100, 1000, 100, 1000]) {
      await flush();
      clock.advance(step);
    }
    await flush();
    assert.equal(calls, 3);
    assert.equal(result.value, 'fallback');
    assert.equal(breaker.state, 'open');
    assert.equal(clock.pendingTimers, 0);
  });

  it('types: a CircuitBreaker is a Policy, and a fallback widens the result type', async () => {
    const asPolicy: Policy = new CircuitBreaker();
    const widened: Promise<number | 'none'> = wrap(
      fallback({ value: 'none' as const }),
      asPolicy,
    ).execute(() => 5);
    const plain: Promise<number> = wrap(asPolicy, retry()).execute(() => 5);
    assert.equal(await widened, 5);
    assert.equal(await plain, 5);
  });

  it('never throws: a policy that throws synchronously becomes a rejection', async () => {
    const broken: Policy = {
      execute() {
        throw new Error('broken policy');
      },
    };
    const result = track(wrap(broken).execute(() => 1));
    await flush();
    assert.equal((result.error as Error).message, 'broken policy');
  });

  it('rejects what is not a policy, naming its position', () => {
    assert.throws(() => wrap(retry(), 5 as unknown as Policy), {
      name: 'TypeError',
      message: 'wrap: argument 1 must be a policy (an object with execute), got 5',
    });
  });
});
