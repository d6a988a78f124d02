import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { CallTimeoutError } from '../core/errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { assertInstanceOf, deferred, flush, track } from './support.test.js';
import { timeout } from './timeout.js';

/** A function that settles only when its signal aborts (rejecting with the reason), like fetch. */
function cooperativeWork() {
  const seen: AbortSignal[] = [];
  const fn = (signal: AbortSignal) =>
    new Promise<string>((_, reject) => {
      seen.push(signal);
      signal.addEventListener('abort', () => {
        reject(signal.reason);
      });
    });
  return { fn, seen };
}

describe('timeout: cooperative', () => {
  it('aborts the signal with CallTimeoutError at exactly ms, and rejects with it', async () => {
    const clock = new ManualClock();
    const { fn, seen } = cooperativeWork();
    const result = track(timeout({ ms: 500, clock, name: 'db' }).execute(fn));
    clock.advance(499);
    await flush();
    assert.equal(seen[0]?.aborted, false);
    assert.equal(result.settled, false);
    clock.advance(1);
    await flush();
    assert.equal(seen[0].aborted, true);
    assertInstanceOf(result.error, CallTimeoutError);
    assert.equal(result.error, seen[0].reason);
    assert.equal(result.error.name, 'TimeoutError');
    assert.equal(result.error.code, 'ERR_CALL_TIMEOUT');
    assert.equal(result.error.timeout, 500);
    assert.equal(result.error.breakerName, 'db');
    assert.equal(clock.pendingTimers, 0);
  });

  it('waits for fn: one that ignores the signal and then succeeds gives its value', async () => {
    const clock = new ManualClock();
    const work = deferred<string>();
    const result = track(timeout({ ms: 100, clock }).execute(() => work.promise));
    clock.advance(100);
    await flush();
    assert.equal(result.settled, false);
    work.resolve('late but fine');
    await flush();
    assert.equal(result.value, 'late but fine');
  });

  it('a rejection after the timeout is reported as the CallTimeoutError', async () => {
    const clock = new ManualClock();
    const work = deferred<string>();
    const result = track(timeout({ ms: 100, clock }).execute(() => work.promise));
    clock.advance(100);
    work.reject(new Error('socket closed'));
    await flush();
    assertInstanceOf(result.error, CallTimeoutError);
  });

  it('a call that settles in time cancels its timer and removes its listener', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = timeout({ ms: 100, clock });
    assert.equal(
      await policy.execute(() => 'sync value', { signal: controller.signal }),
      'sync value',
    );
    await assert.rejects(
      policy.execute(
        () => {
          throw new Error('sync throw');
        },
        { signal: controller.signal },
      ),
      { message: 'sync throw' },
    );
    assert.equal(await policy.execute(async () => 7, { signal: controller.signal }), 7);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it("the caller's abort reaches fn and the call rejects with the caller's reason", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { fn, seen } = cooperativeWork();
    const result = track(timeout({ ms: 100, clock }).execute(fn, { signal: controller.signal }));
    const reason = new Error('user left');
    controller.abort(reason);
    await flush();
    assert.equal(seen[0]?.reason, reason);
    assert.equal(result.error, reason);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});

describe('timeout: aggressive', () => {
  it('rejects at ms while the work goes on; its late rejection is handled', async () => {
    const clock = new ManualClock();
    const work = deferred<string>();
    const seen: AbortSignal[] = [];
    const result = track(
      timeout({ ms: 100, clock, strategy: 'aggressive' }).execute((signal) => {
        seen.push(signal);
        return work.promise;
      }),
    );
    clock.advance(100);
    await flush();
    assertInstanceOf(result.error, CallTimeoutError);
    assert.equal(seen[0]?.aborted, true);
    // The suite fails on any unhandled rejection (test/setup.ts).
    work.reject(new Error('late failure'));
    await flush();
    assert.equal(clock.pendingTimers, 0);
  });

  it('a late success is dropped too', async () => {
    const clock = new ManualClock();
    const work = deferred<string>();
    const result = track(
      timeout({ ms: 100, clock, strategy: 'aggressive' }).execute(() => work.promise),
    );
    clock.advance(100);
    work.resolve('too late');
    await flush();
    assertInstanceOf(result.error, CallTimeoutError);
  });

  it('rejects at once when the caller aborts, even if fn ignores its signal', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const work = deferred<string>();
    const result = track(
      timeout({ ms: 100, clock, strategy: 'aggressive' }).execute(() => work.promise, {
        signal: controller.signal,
      }),
    );
    controller.abort('bye');
    await flush();
    assert.equal(result.error, 'bye');
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    work.reject(new Error('late'));
    await flush();
  });
});

describe('timeout: general', () => {
  it('makes no signal for a fn that declares no parameter, and still times it out', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const work = deferred<string>();
    let seen: unknown;
    const result = track(
      timeout({ ms: 100, clock, strategy: 'aggressive' }).execute(
        function () {
          // eslint-disable-next-line prefer-rest-params -- reads the signal fn did not declare
          seen = arguments[0];
          return work.promise;
        },
        { signal: controller.signal },
      ),
    );
    assert.equal(seen, controller.signal);
    clock.advance(100);
    await flush();
    assertInstanceOf(result.error, CallTimeoutError);
    assert.equal(controller.signal.aborted, false);
    work.resolve('late');
    await flush();
  });

  it('an already aborted signal rejects with its reason and runs nothing', async () => {
    let calls = 0;
    await assert.rejects(
      timeout(100).execute(
        () => {
          calls++;
        },
        { signal: AbortSignal.abort('gone') },
      ),
      (e) => e === 'gone',
    );
    assert.equal(calls, 0);
  });

  it('1000 calls with one caller signal leave no listener and no timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = timeout({ ms: 50, clock, strategy: 'aggressive' });
    for (let i = 0; i < 1000; i++) {
      assert.equal(await policy.execute(async () => i, { signal: controller.signal }), i);
    }
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('with the system clock, a pending timeout does not hold the process open (unref)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const work = deferred<string>();
    const result = timeout({ ms: 60_000 }).execute(() => work.promise);
    assert.equal(timers(), before);
    work.resolve('done');
    assert.equal(await result, 'done');
  });

  it('validates its options, naming them and quoting the value', () => {
    const cases: [unknown, string, string][] = [
      [{}, 'TypeError', 'timeout option ms is required'],
      [{ ms: 0 }, 'RangeError', 'timeout option ms must be a number > 0 and <= 2147483647, got 0'],
      [
        2 ** 31,
        'RangeError',
        'timeout option ms must be a number > 0 and <= 2147483647, got 2147483648',
      ],
      [
        { ms: 10, strategy: 'pessimistic' },
        'TypeError',
        `timeout option strategy must be 'cooperative' or 'aggressive', got "pessimistic"`,
      ],
      [{ ms: 10, clock: {} }, 'TypeError', 'timeout option clock must have a now() method, got {}'],
      [{ ms: 10, timeout: 5 }, 'TypeError', 'unknown timeout option timeout'],
      [{ mss: 10 }, 'TypeError', 'unknown timeout option mss (did you mean ms?)'],
    ];
    for (const [options, name, message] of cases) {
      assert.throws(() => timeout(options as number), { name, message }, message);
    }
  });
});
