import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { BreakerOpenError, TooManyRequestsError } from '../core/errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { seededRandom } from '../testing/seeded-random.js';
import { BulkheadRejectedError } from './errors.js';
import { retryBudget } from './retry-budget.js';
import type { GiveUpEvent, RetryEvent } from './retry-options.js';
import { retry } from './retry.js';
import { assertInstanceOf, captureWarnings, deferred, flush, track } from './support.test.js';
import { wrap } from './wrap.js';

/** A function that throws `errors[i]` on call i while there is one, then returns 'ok'. */
function script(...errors: unknown[]) {
  const calls: AbortSignal[] = [];
  const fn = async (signal: AbortSignal): Promise<string> => {
    calls.push(signal);
    const error = errors[calls.length - 1];
    if (error !== undefined) throw error as Error;
    return 'ok';
  };
  return { fn, calls };
}

const boom = (n: number) => new Error(`boom ${n}`);

describe('retry: attempts and backoff', () => {
  it('defaults: 3 attempts, exponential backoff with full jitter from 100 ms, last error', async () => {
    const clock = new ManualClock();
    const events: RetryEvent[] = [];
    const gaveUp: GiveUpEvent[] = [];
    const policy = retry({
      clock,
      random: seededRandom(7),
      onRetry: (e) => events.push(e),
      onGiveUp: (e) => gaveUp.push(e),
    });
    const errors = [boom(1), boom(2), boom(3), boom(4)];
    const { fn, calls } = script(...errors);
    const result = track(policy.execute(fn));
    const r = seededRandom(7);
    const d1 = r() * 100;
    const d2 = r() * 200;
    await flush();
    assert.equal(calls.length, 1);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(d1);
    await flush();
    assert.equal(calls.length, 2);
    clock.advance(d2);
    await flush();
    assert.equal(calls.length, 3);
    assert.equal(result.rejected, true);
    assert.equal(result.error, errors[2]);
    assert.equal(clock.pendingTimers, 0);
    assert.deepEqual(
      events.map((e) => [e.attempt, e.delay, e.delaySource, e.outcome]),
      [
        [1, d1, 'backoff', { kind: 'error', error: errors[0] }],
        [2, d2, 'backoff', { kind: 'error', error: errors[1] }],
      ],
    );
    assert.deepEqual(gaveUp, [
      { name: '', attempts: 3, reason: 'attempts', outcome: { kind: 'error', error: errors[2] } },
    ]);
  });

  it('waits exactly the backoff: not one millisecond less', async () => {
    const clock = new ManualClock();
    const policy = retry({ clock, backoff: 250 });
    const { fn, calls } = script(boom(1));
    const result = track(policy.execute(fn));
    await flush();
    clock.advance(249);
    await flush();
    assert.equal(calls.length, 1);
    clock.advance(1);
    await flush();
    assert.equal(calls.length, 2);
    assert.equal(result.value, 'ok');
    assert.equal(clock.pendingTimers, 0);
  });

  it('resolves with the first success, and a synchronous throw is retried like a rejection', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const policy = retry({ clock, backoff: 0, maxAttempts: 5 });
    const value = await policy.execute(() => {
      calls++;
      if (calls < 3) throw boom(calls);
      return calls * 10;
    });
    assert.equal(value, 30);
    assert.equal(calls, 3);
  });

  it('maxAttempts: 1 makes exactly one attempt and no timer', async () => {
    const clock = new ManualClock();
    const { fn, calls } = script(boom(1));
    const result = track(retry({ clock, maxAttempts: 1 }).execute(fn));
    await flush();
    assert.equal(calls.length, 1);
    assert.equal(result.rejected, true);
    assert.equal(clock.pendingTimers, 0);
  });

  it('maxAttempts: Infinity retries until success', async () => {
    const clock = new ManualClock();
    const errors = Array.from({ length: 20 }, (_, i) => boom(i));
    const { fn, calls } = script(...errors);
    const value = await retry({ clock, maxAttempts: Infinity, backoff: 0, budget: false }).execute(
      fn,
    );
    assert.equal(value, 'ok');
    assert.equal(calls.length, 21);
  });

  it('a backoff that returns a bad value rejects with a RangeError naming it, caused by the error', async () => {
    const clock = new ManualClock();
    const error = boom(1);
    const { fn } = script(error);
    await assert.rejects(retry({ clock, backoff: () => NaN }).execute(fn), (e: unknown) => {
      assertInstanceOf(e, RangeError);
      assert.equal(
        e.message,
        'retry backoff returned NaN for attempt 1; it must return a number of ms >= 0',
      );
      assert.equal(e.cause, error);
      return true;
    });
  });

  it('caps backoff waits at maxDelay', async () => {
    const clock = new ManualClock();
    const events: RetryEvent[] = [];
    const policy = retry({ clock, backoff: 5000, maxDelay: 1200, onRetry: (e) => events.push(e) });
    const result = track(policy.execute(script(boom(1)).fn));
    await flush();
    clock.advance(1200);
    await flush();
    assert.equal(result.value, 'ok');
    assert.deepEqual(
      events.map((e) => e.delay),
      [1200],
    );
  });
});

describe('retry: what is retried', () => {
  it('retryOn decides for errors; a refused error is thrown after one attempt', async () => {
    const clock = new ManualClock();
    const seen: [unknown, number][] = [];
    const gaveUp: GiveUpEvent[] = [];
    const fatal = new TypeError('bad input');
    const policy = retry({
      clock,
      backoff: 0,
      retryOn: (e, attempt) => {
        seen.push([e, attempt]);
        return !(e instanceof TypeError);
      },
      onGiveUp: (e) => gaveUp.push(e),
    });
    const transient = boom(1);
    const { fn, calls } = script(transient, fatal);
    await assert.rejects(policy.execute(fn), fatal);
    assert.equal(calls.length, 2);
    assert.deepEqual(seen, [
      [transient, 1],
      [fatal, 2],
    ]);
    assert.equal(gaveUp[0]?.reason, 'not-retryable');
  });

  it('by default does not retry bulkhead rejections nor AbortErrors', async () => {
    const clock = new ManualClock();
    for (const error of [
      new BulkheadRejectedError('pool', 1, 0),
      new DOMException('stopped', 'AbortError'),
    ]) {
      const { fn, calls } = script(error);
      await assert.rejects(retry({ clock, backoff: 0 }).execute(fn), error);
      assert.equal(calls.length, 1);
    }
  });

  it('retryOnResult retries results, discarding each replaced result once, and returns the last when attempts run out', async () => {
    const clock = new ManualClock();
    const discarded: number[] = [];
    const gaveUp: GiveUpEvent[] = [];
    let n = 0;
    const policy = retry({
      clock,
      backoff: 10,
      retryOnResult: (r) => (r as { status: number }).status === 503,
      discardResult: (r) => {
        discarded.push((r as { id: number }).id);
      },
      onGiveUp: (e) => gaveUp.push(e),
    });
    const result = track(policy.execute(() => ({ status: 503, id: ++n })));
    for (let i = 0; i < 2; i++) {
      await flush();
      clock.advance(10);
    }
    await flush();
    assert.deepEqual(result.value, { status: 503, id: 3 });
    assert.deepEqual(discarded, [1, 2]);
    assert.equal(gaveUp[0]?.reason, 'attempts');
    assert.deepEqual(gaveUp[0].outcome, { kind: 'result', result: { status: 503, id: 3 } });
  });
});

describe('retry: Retry-After', () => {
  const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('waits what a 503 response asks for instead of the backoff', async () => {
    const clock = new ManualClock(NOW);
    const events: RetryEvent[] = [];
    const discarded: Response[] = [];
    const responses = [
      new Response('busy', { status: 503, headers: { 'Retry-After': '2' } }),
      new Response('fine', { status: 200 }),
    ];
    let i = 0;
    const policy = retry({
      clock,
      backoff: 10,
      retryOnResult: (r) => (r as Response).status === 503,
      discardResult: (r) => {
        discarded.push(r as Response);
        return (r as Response).body?.cancel();
      },
      onRetry: (e) => events.push(e),
    });
    const result = track(policy.execute(() => responses[i++]!));
    await flush();
    clock.advance(1999);
    await flush();
    assert.equal(i, 1);
    clock.advance(1);
    await flush();
    assert.equal(i, 2);
    assert.equal(result.value, responses[1]);
    assert.deepEqual(discarded, [responses[0]]);
    assert.deepEqual(
      events.map((e) => [e.delay, e.delaySource]),
      [[2000, 'retry-after']],
    );
  });

  it('reads an HTTP-date against the clock, and an error that carries a 429 response', async () => {
    const clock = new ManualClock(NOW);
    const error = Object.assign(new Error('HTTP 429'), {
      response: new Response(null, {
        status: 429,
        headers: { 'Retry-After': 'Wed, 21 Oct 2015 07:28:03 GMT' },
      }),
    });
    const { fn, calls } = script(error);
    const result = track(retry({ clock, backoff: 10 }).execute(fn));
    await flush();
    clock.advance(2999);
    await flush();
    assert.equal(calls.length, 1);
    clock.advance(1);
    await flush();
    assert.equal(result.value, 'ok');
  });

  it('gives up when Retry-After asks for more than maxDelay, returning the result', async () => {
    const clock = new ManualClock(NOW);
    const gaveUp: GiveUpEvent[] = [];
    const busy = new Response(null, { status: 503, headers: { 'Retry-After': '31' } });
    let calls = 0;
    const policy = retry({
      clock,
      retryOnResult: (r) => (r as Response).status === 503,
      onGiveUp: (e) => gaveUp.push(e),
    });
    const value = await policy.execute(() => {
      calls++;
      return busy;
    });
    assert.equal(value, busy);
    assert.equal(calls, 1);
    assert.equal(gaveUp[0]?.reason, 'max-delay');
    assert.equal(clock.pendingTimers, 0);
  });

  it('retryAfter: false ignores the header; a custom extractor is used as given', async () => {
    const clock = new ManualClock(NOW);
    const error = Object.assign(new Error('429'), {
      response: { status: 429, headers: { 'retry-after': '5' } },
    });
    const delays: number[] = [];
    const onRetry = (e: RetryEvent) => delays.push(e.delay);
    const a = track(
      retry({ clock, backoff: 10, retryAfter: false, onRetry }).execute(script(error).fn),
    );
    await flush();
    clock.advance(10);
    await flush();
    assert.equal(a.value, 'ok');
    const b = track(
      retry({ clock, backoff: 10, retryAfter: () => 77, onRetry }).execute(script(error).fn),
    );
    await flush();
    clock.advance(77);
    await flush();
    assert.equal(b.value, 'ok');
    assert.deepEqual(delays, [10, 77]);
  });
});

describe('retry: deadline', () => {
  it('starts no retry whose wait does not end before the deadline', async () => {
    const clock = new ManualClock();
    const gaveUp: GiveUpEvent[] = [];
    const errors = [boom(1), boom(2), boom(3), boom(4)];
    const { fn, calls } = script(...errors);
    const policy = retry({
      clock,
      backoff: 100,
      maxAttempts: 10,
      deadline: 250,
      onGiveUp: (e) => gaveUp.push(e),
    });
    const result = track(policy.execute(fn));
    for (let i = 0; i < 3; i++) {
      await flush();
      clock.advance(100);
    }
    await flush();
    // attempts at 0, 100, 200; a wait from 200 would end at 300 >= 250
    assert.equal(calls.length, 3);
    assert.equal(result.error, errors[2]);
    assert.equal(gaveUp[0]?.reason, 'deadline');
    assert.equal(clock.pendingTimers, 0);
  });

  it('a per-call deadline overrides the policy one; a wait ending exactly at it is refused', async () => {
    const clock = new ManualClock();
    const { fn, calls } = script(boom(1), boom(2));
    const result = track(retry({ clock, backoff: 100 }).execute(fn, { deadline: 100 }));
    await flush();
    assert.equal(calls.length, 1);
    assert.equal(result.rejected, true);
  });
});

describe('retry: budget', () => {
  it('a shared budget bounds the retries of several policies together, exactly', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.25, minRetriesPerSecond: 0, clock });
    const a = retry({ clock, budget, backoff: 0, maxAttempts: 5 });
    const gaveUp: GiveUpEvent[] = [];
    const b = retry({ clock, budget, backoff: 0, maxAttempts: 5, onGiveUp: (e) => gaveUp.push(e) });
    for (let i = 0; i < 4; i++) assert.equal(await a.execute(() => i), i);
    // 5 calls in the window: 1.25 retries allowed
    const { fn, calls } = script(boom(1), boom(2), boom(3));
    await assert.rejects(b.execute(fn), { message: 'boom 2' });
    assert.equal(calls.length, 2);
    assert.equal(gaveUp[0]?.reason, 'budget');
    assert.equal(budget.calls, 5);
    assert.equal(budget.retries, 1);
  });

  it('has a budget by default (20 % plus 10 per second over 10 s) and none with budget: false', async () => {
    const clock = new ManualClock();
    const policy = retry({ clock, backoff: 0, maxAttempts: Infinity });
    assert.equal(policy.budget?.available, 100);
    const errors = Array.from({ length: 200 }, (_, i) => boom(i));
    const { fn, calls } = script(...errors);
    await assert.rejects(policy.execute(fn), { message: 'boom 100' });
    assert.equal(calls.length, 101); // 1 call: 0.2 + 100 floor = 100 retries
    assert.equal(retry({ budget: false }).budget, undefined);
  });
});

describe('retry: breakers', () => {
  it('waitForBreaker: waits once for an open breaker inner to it, then retries; never retries into it at once', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      timeout: 5000,
      readyToTrip: (c) => c.consecutiveFailures >= 1,
    });
    const events: RetryEvent[] = [];
    const policy = wrap(
      retry({ clock, backoff: 10, waitForBreaker: true, onRetry: (e) => events.push(e) }),
      breaker,
    );
    const { fn, calls } = script(boom(1));
    const result = track(policy.execute(fn));
    await flush();
    assert.equal(breaker.state, 'open');
    clock.advance(10); // attempt 2: rejected by the open breaker, retryAfter 4990
    await flush();
    assert.equal(calls.length, 1);
    clock.advance(4989);
    await flush();
    assert.equal(calls.length, 1);
    clock.advance(1); // half-open: attempt 3 runs and closes it
    await flush();
    assert.equal(calls.length, 2);
    assert.equal(result.value, 'ok');
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(
      events.map((e) => [e.attempt, e.delay, e.delaySource]),
      [
        [1, 10, 'backoff'],
        [2, 4990, 'breaker'],
      ],
    );
  });

  it('waitForBreaker: waits for a breaker at most once per call, then gives up with BreakerOpenError', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      timeout: 1000,
      readyToTrip: (c) => c.consecutiveFailures >= 1,
    });
    const gaveUp: GiveUpEvent[] = [];
    const policy = wrap(
      retry({
        clock,
        backoff: 10,
        maxAttempts: 10,
        waitForBreaker: true,
        onGiveUp: (e) => gaveUp.push(e),
      }),
      breaker,
    );
    const { fn, calls } = script(boom(1), boom(2), boom(3));
    const result = track(policy.execute(fn));
    await flush();
    clock.advance(10);
    await flush();
    clock.advance(990); // half-open probe fails: open again
    await flush();
    clock.advance(10); // rejected again: no second wait
    await flush();
    assert.equal(calls.length, 2);
    assertInstanceOf(result.error, BreakerOpenError);
    assert.equal(gaveUp[0]?.reason, 'breaker-open');
    assert.equal(gaveUp[0].attempts, 4);
    assert.equal(clock.pendingTimers, 0);
  });

  it('gives up at once with the BreakerOpenError when its retryAfter does not fit maxDelay or the deadline', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, timeout: 60_000 });
    breaker.forceOpen();
    const { fn, calls } = script();
    const forced = track(wrap(retry({ clock }), breaker).execute(fn));
    await flush();
    assertInstanceOf(forced.error, BreakerOpenError);
    assert.equal(forced.error.retryAfter, Infinity);
    breaker.reset();
    const tripping = new CircuitBreaker({ clock, timeout: 5000, readyToTrip: () => true });
    await assert.rejects(tripping.execute(() => Promise.reject(boom(0))));
    const gaveUp: GiveUpEvent[] = [];
    const tooLong = track(
      wrap(
        retry({ clock, maxDelay: 4999, waitForBreaker: true, onGiveUp: (e) => gaveUp.push(e) }),
        tripping,
      ).execute(fn),
    );
    const pastDeadline = track(
      wrap(
        retry({ clock, deadline: 5000, waitForBreaker: true, onGiveUp: (e) => gaveUp.push(e) }),
        tripping,
      ).execute(fn),
    );
    await flush();
    assertInstanceOf(tooLong.error, BreakerOpenError);
    assertInstanceOf(pastDeadline.error, BreakerOpenError);
    assert.deepEqual(
      gaveUp.map((e) => e.reason),
      ['breaker-open', 'deadline'],
    );
    assert.equal(calls.length, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('waitForBreaker with the breaker option: a failure that opens the breaker waits for it instead of retrying into it', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      timeout: 3000,
      readyToTrip: (c) => c.consecutiveFailures >= 1,
    });
    const events: RetryEvent[] = [];
    const policy = wrap(
      retry({ clock, backoff: 10, breaker, waitForBreaker: true, onRetry: (e) => events.push(e) }),
      breaker,
    );
    const { fn, calls } = script(boom(1));
    const result = track(policy.execute(fn));
    await flush();
    clock.advance(2999);
    await flush();
    assert.equal(calls.length, 1);
    clock.advance(1);
    await flush();
    assert.equal(result.value, 'ok');
    assert.deepEqual(
      events.map((e) => [e.delay, e.delaySource]),
      [[3000, 'breaker']],
    );
  });

  it('with the breaker option, gives up with the real error when the breaker wait does not fit', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, timeout: 3000, readyToTrip: () => true });
    const gaveUp: GiveUpEvent[] = [];
    const policy = wrap(
      retry({ clock, backoff: 10, breaker, maxDelay: 2000, onGiveUp: (e) => gaveUp.push(e) }),
      breaker,
    );
    const error = boom(1);
    const { fn, calls } = script(error);
    await assert.rejects(policy.execute(fn), error);
    assert.equal(calls.length, 1);
    assert.equal(gaveUp[0]?.reason, 'breaker-open');
    assert.equal(clock.pendingTimers, 0);
  });

  it('fail-fast by default: an open breaker inner to it ends the retries at once', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      timeout: 5000,
      readyToTrip: (c) => c.consecutiveFailures >= 1,
    });
    const gaveUp: GiveUpEvent[] = [];
    const policy = wrap(retry({ clock, backoff: 10, onGiveUp: (e) => gaveUp.push(e) }), breaker);
    const { fn, calls } = script(boom(1));
    const result = track(policy.execute(fn));
    await flush();
    clock.advance(10); // attempt 2: rejected by the open breaker: no wait for it
    await flush();
    assertInstanceOf(result.error, BreakerOpenError);
    assert.equal(calls.length, 1);
    assert.deepEqual(
      gaveUp.map((e) => [e.reason, e.attempts]),
      [['breaker-open', 2]],
    );
    assert.equal(clock.pendingTimers, 0);
  });

  it('fail-fast by default with the breaker option: a failure that opens it gives up with that error', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, timeout: 3000, readyToTrip: () => true });
    const gaveUp: GiveUpEvent[] = [];
    const policy = wrap(
      retry({ clock, backoff: 10, breaker, onGiveUp: (e) => gaveUp.push(e) }),
      breaker,
    );
    const error = boom(1);
    const { fn, calls } = script(error);
    const result = track(policy.execute(fn));
    await flush();
    assert.equal(result.error, error);
    assert.equal(calls.length, 1);
    assert.equal(gaveUp[0]?.reason, 'breaker-open');
    assert.equal(clock.pendingTimers, 0);
    assert.throws(() => retry({ waitForBreaker: 'yes' as never }), {
      name: 'TypeError',
      message: 'retry option waitForBreaker must be true or false, got "yes"',
    });
  });

  it('after a TooManyRequestsError the wait is a timer of at least 1 ms, even when the jitter draws 0', async () => {
    const clock = new ManualClock();
    const events: RetryEvent[] = [];
    const tmr = new TooManyRequestsError('b');
    const { fn, calls } = script(tmr);
    const result = track(
      retry({ clock, random: () => 0, onRetry: (e) => events.push(e) }).execute(fn),
    );
    await flush();
    assert.equal(calls.length, 1);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(1);
    await flush();
    assert.equal(result.value, 'ok');
    assert.deepEqual(
      events.map((e) => [e.delay, e.delaySource]),
      [[1, 'breaker']],
    );
  });

  it('a saturated half-open breaker (TooManyRequestsError) is waited for once, by the backoff', async () => {
    const clock = new ManualClock();
    const events: RetryEvent[] = [];
    const tmr = new TooManyRequestsError('b');
    const { fn, calls } = script(tmr, tmr, tmr);
    const result = track(
      retry({ clock, backoff: 50, maxAttempts: 5, onRetry: (e) => events.push(e) }).execute(fn),
    );
    await flush();
    clock.advance(50);
    await flush();
    assert.equal(calls.length, 2);
    assert.equal(result.error, tmr);
    assert.deepEqual(
      events.map((e) => [e.delay, e.delaySource]),
      [[50, 'breaker']],
    );
  });
});

describe('retry: cancellation and cleanup', () => {
  it('an already aborted signal rejects with its reason without calling fn', async () => {
    const reason = new Error('caller gone');
    const { fn, calls } = script();
    await assert.rejects(retry().execute(fn, { signal: AbortSignal.abort(reason) }), reason);
    assert.equal(calls.length, 0);
  });

  it('aborting during the wait rejects at once, cancels the timer and removes every listener', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { fn, calls } = script(boom(1));
    const result = track(
      retry({ clock, backoff: 1000 }).execute(fn, { signal: controller.signal }),
    );
    await flush();
    assert.equal(clock.pendingTimers, 1);
    assert.equal(calls[0], controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await flush();
    assert.equal(result.error, reason);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    clock.advance(5000);
    await flush();
    assert.equal(calls.length, 1);
  });

  it('aborting during an attempt that ignores its signal rejects at once; its late result is discarded', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const late = deferred<{ id: number }>();
    const discarded: unknown[] = [];
    const policy = retry({
      clock,
      retryOnResult: () => true,
      discardResult: (r) => {
        discarded.push(r);
      },
    });
    const result = track(policy.execute(() => late.promise, { signal: controller.signal }));
    controller.abort(new Error('stop'));
    await flush();
    assert.equal((result.error as Error).message, 'stop');
    late.resolve({ id: 1 });
    await flush();
    assert.deepEqual(discarded, [{ id: 1 }]);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('the caller abort is never retried, whatever retryOn says', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let calls = 0;
    const policy = retry({ clock, backoff: 0, retryOn: () => true });
    const result = track(
      policy.execute(
        (signal) => {
          calls++;
          return new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              reject(signal.reason);
            });
          });
        },
        { signal: controller.signal },
      ),
    );
    controller.abort(new Error('stop'));
    await flush();
    assert.equal(calls, 1);
    assert.equal((result.error as Error).message, 'stop');
  });

  it('1000 calls with one signal leave no abort listener behind', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = retry({ clock, backoff: 0, budget: false });
    for (let i = 0; i < 1000; i++) {
      const { fn } = script(boom(i));
      assert.equal(await policy.execute(fn, { signal: controller.signal }), 'ok');
    }
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('the retry timer of the system clock is referenced while a caller waits, and cleared after', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const { fn } = script(boom(1));
    const result = retry({ backoff: 20 }).execute(fn);
    await flush();
    assert.equal(timers(), before + 1);
    assert.equal(await result, 'ok');
    assert.equal(timers(), before);
  });
});

describe('retry: hooks and validation', () => {
  it('an onRetry that throws is reported as a warning and the retry goes on', async () => {
    let value: string | undefined;
    const warnings = await captureWarnings(async () => {
      const policy = retry({
        name: 'r1',
        clock: new ManualClock(),
        backoff: 0,
        onRetry: () => {
          throw new Error('listener bug');
        },
      });
      value = await policy.execute(script(boom(1)).fn);
    });
    assert.equal(value, 'ok');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^retry "r1" onRetry threw: Error: listener bug/);
  });

  it('validates every option, naming it and quoting the value', () => {
    const cases: [object, string, string][] = [
      [
        { maxAttempts: 0 },
        'RangeError',
        'retry option maxAttempts must be an integer >= 1 (or Infinity), got 0',
      ],
      [
        { maxAttempts: 2.5 },
        'RangeError',
        'retry option maxAttempts must be an integer >= 1 (or Infinity), got 2.5',
      ],
      [{ maxAttempts: '3' }, 'TypeError', 'retry option maxAttempts must be a number, got "3"'],
      [
        { backoff: -1 },
        'RangeError',
        'retry option backoff must be a number >= 0 and <= 2147483647, got -1',
      ],
      [
        { backoff: 'fast' },
        'TypeError',
        'retry option backoff must be a function (attempt context) => ms or a number of ms, got "fast"',
      ],
      [
        { maxDelay: Infinity },
        'RangeError',
        'retry option maxDelay must be a number >= 0 and <= 2147483647, got Infinity',
      ],
      [
        { deadline: 0 },
        'RangeError',
        'retry option deadline must be a number > 0 (or Infinity), got 0',
      ],
      [
        { budget: { ratio: 0.2 } },
        'TypeError',
        'retry option budget must be a retryBudget() (or false for none), got {"ratio":0.2}',
      ],
      [{ retryOn: true }, 'TypeError', 'retry option retryOn must be a function, got true'],
      [{ retryAfter: 5 }, 'TypeError', 'retry option retryAfter must be a function, got 5'],
      [
        { breaker: {} },
        'TypeError',
        'retry option breaker must be a CircuitBreaker (anything with retryAfter), got {}',
      ],
      [{ clock: Date }, 'TypeError', 'retry option clock must have a now() method, got a function'],
      [{ name: 3 }, 'TypeError', 'retry option name must be a string, got 3'],
      [
        { maxAttemps: 3 },
        'TypeError',
        'unknown retry option maxAttemps (did you mean maxAttempts?)',
      ],
      [
        { retryOnResults: () => true },
        'TypeError',
        'unknown retry option retryOnResults (did you mean retryOnResult?)',
      ],
    ];
    for (const [options, name, message] of cases) {
      assert.throws(() => retry(options), { name, message }, message);
    }
    assert.throws(() => retry(5 as unknown as object), {
      name: 'TypeError',
      message: 'retry options must be an object, got 5',
    });
  });

  it('bad per-call options reject the call instead of throwing', async () => {
    const policy = retry();
    await assert.rejects(
      policy.execute(() => 1, { deadline: -5 }),
      {
        name: 'RangeError',
        message: 'retry.execute option deadline must be a number > 0 (or Infinity), got -5',
      },
    );
  });
});
