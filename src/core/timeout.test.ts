// callTimeout: the call rejects with CallTimeoutError, counts as a failure, fn's signal aborts
// with that error, fn without parameters still times out, fn's late result is ignored, and the
// shared timer is not left armed once nothing is in flight. Timers run inside ManualClock.advance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, breakerMaker, counts } from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { CallTimeoutError, ErrorCodes } from './errors.js';

// This file's breakers are named 'slow-svc' and time calls out after 1000 ms unless a test says
// otherwise.
const make = breakerMaker({ name: 'slow-svc', callTimeout: 1000 });

const never = (): Promise<string> => new Promise<string>(() => undefined);

describe('callTimeout', () => {
  it('rejects with CallTimeoutError at exactly the deadline and records a failure', async () => {
    const { clock, breaker } = make();
    let signal: AbortSignal | undefined;
    let settled = false;
    const call = breaker.execute((s) => {
      signal = s;
      return never();
    });
    call.catch(() => undefined).finally(() => (settled = true));
    clock.advance(999);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    assert.equal(signal?.aborted, false);
    clock.advance(1);
    const error = await call.catch((e: unknown) => e);
    assert.ok(error instanceof CallTimeoutError);
    assert.equal(error.name, 'TimeoutError');
    assert.equal(error.code, ErrorCodes.callTimeout);
    assert.equal(error.code, 'ERR_CALL_TIMEOUT');
    assert.equal(error.timeout, 1000);
    assert.equal(error.breakerName, 'slow-svc');
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, error);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('counts as a failure whatever isSuccessful and isExcluded say', async () => {
    const { clock, breaker } = make({ isSuccessful: () => true, isExcluded: () => true });
    const call = breaker.execute(never);
    clock.advance(1000);
    await assert.rejects(call, CallTimeoutError);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('times out fn that takes no parameter (no signal is made for it)', async () => {
    const { clock, breaker } = make();
    const call = breaker.execute(() => never());
    clock.advance(1000);
    await assert.rejects(call, CallTimeoutError);
  });

  it("ignores fn's late result, success or failure", async () => {
    const { clock, breaker } = make();
    let resolveLate!: (v: string) => void;
    let rejectLate!: (e: unknown) => void;
    const a = breaker.execute(() => new Promise<string>((r) => (resolveLate = r)));
    const b = breaker.execute(() => new Promise<string>((_r, rej) => (rejectLate = rej)));
    clock.advance(1000);
    await assert.rejects(a, CallTimeoutError);
    await assert.rejects(b, CallTimeoutError);
    resolveLate('late');
    rejectLate(new Error('late failure'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalFailures: 2, consecutiveFailures: 2 }),
    );
  });

  it('a call that ends before its deadline is not timed out later', async () => {
    const { clock, breaker } = make();
    let settle!: (v: string) => void;
    const call = breaker.execute(() => new Promise<string>((r) => (settle = r)));
    clock.advance(999);
    settle('in time');
    assert.equal(await call, 'in time');
    clock.advance(5000);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
  });

  it('each call has its own deadline; timeouts trip the breaker like failures', async () => {
    const { clock, breaker } = make({ timeout: 30_000 });
    const calls: Promise<string>[] = [];
    for (let i = 0; i < 6; i++) {
      calls.push(breaker.execute(never));
      clock.advance(100);
    }
    // T0+600: none due yet. The first is due at T0+1000, the last at T0+1500.
    clock.advance(399);
    assert.equal(breaker.counts.totalFailures, 0);
    clock.advance(1);
    assert.equal(breaker.counts.totalFailures, 1);
    clock.advance(499);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.counts.totalFailures, 5);
    clock.advance(1);
    assert.equal(breaker.state, 'open');
    const results = await Promise.allSettled(calls);
    assert.ok(
      results.every((r) => r.status === 'rejected' && r.reason instanceof CallTimeoutError),
    );
    // Opened at the sixth deadline.
    assert.equal(breaker.toJSON().openedAt, T0 + 1500);
  });

  it('no timer is left armed once nothing is in flight', async () => {
    const { clock, breaker } = make({ readyToTrip: () => false });
    assert.equal(breaker.timerArmed, false);
    const timedOut = breaker.execute(never);
    assert.equal(breaker.timerArmed, true);
    clock.advance(1000);
    await assert.rejects(timedOut, CallTimeoutError);
    assert.equal(breaker.timerArmed, false);
    assert.equal(clock.pendingTimers, 0);

    // A call that succeeds first: the timer may stay until its deadline, never after it.
    await breaker.execute(() => Promise.resolve('quick'));
    clock.advance(1000);
    assert.equal(breaker.timerArmed, false);
    assert.equal(clock.pendingTimers, 0);

    // Many overlapping calls: one timer at a time, none once they are all done.
    const calls = Array.from({ length: 50 }, (_, i) => {
      clock.advance(10);
      return i % 2 === 0 ? breaker.execute(never) : breaker.execute(() => Promise.resolve(i));
    });
    assert.equal(clock.pendingTimers, 1); // one timer for all of them
    await new Promise((r) => setImmediate(r)); // the quick calls settle
    clock.advance(1000);
    await Promise.allSettled(calls);
    clock.advance(1000);
    assert.equal(breaker.timerArmed, false);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(breaker.counts.totalFailures, 26);
  });

  it('a clock that steps back does not hold later calls behind an older deadline', async () => {
    const { clock, breaker } = make({ readyToTrip: () => false });
    const older = breaker.execute(never); // due at T0 + 1000
    clock.set(T0 - 3_600_000); // the wall clock is stepped back an hour
    const later = breaker.execute(never); // due at T0 - 3_599_000
    let settled = false;
    later.catch(() => undefined).finally(() => (settled = true));
    clock.advance(999);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    clock.advance(1);
    await assert.rejects(later, CallTimeoutError);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalFailures: 1, consecutiveFailures: 1 }),
    );
    // The older call times out at its own deadline, on the new scale.
    clock.set(T0 + 1000);
    await assert.rejects(older, CallTimeoutError);
    assert.equal(breaker.timerArmed, false);
  });

  it('a breaker without callTimeout never schedules a timer', async () => {
    const clock = new ManualClock(T0);
    const breaker = new CircuitBreaker({ clock });
    await breaker.execute(() => Promise.resolve(1));
    await breaker.execute(() => 1, { signal: new AbortController().signal });
    assert.equal(clock.pendingTimers, 0);
    assert.equal(breaker.timerArmed, false);
  });

  it('a timed-out half-open probe opens the breaker again', async () => {
    const { clock, breaker } = make({ timeout: 5000 });
    breaker.forceOpen();
    breaker.reset();
    for (let i = 0; i < 6; i++) {
      await assert.rejects(breaker.execute(() => Promise.reject(new Error('x'))));
    }
    clock.advance(5000);
    const probe = breaker.execute(never);
    clock.advance(1000);
    await assert.rejects(probe, CallTimeoutError);
    assert.equal(breaker.state, 'open');
  });

  it('with a real clock, a short timeout fires on an unref-ed timer', async () => {
    // The breaker's timer is unref-ed: it must not keep the process alive by itself, so this
    // test holds the loop open with a timer of its own while it waits.
    const keepAlive = setTimeout(() => undefined, 5000);
    try {
      const breaker = new CircuitBreaker({ callTimeout: 20 });
      const started = Date.now();
      await assert.rejects(breaker.execute(never), CallTimeoutError);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 19 && elapsed < 1000, `timed out after ${elapsed} ms`);
      assert.equal(breaker.timerArmed, false);
    } finally {
      clearTimeout(keepAlive);
    }
  });
});
