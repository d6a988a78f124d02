// ManualClock: time moves only when told; timers made through schedule() run inside advance()
// and set(), in due order, each seeing now() equal to its due time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { CallTimeoutError } from '../core/errors.js';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('starts at 0 or at the given time, and moves only when told', () => {
    assert.equal(new ManualClock().now(), 0);
    const clock = new ManualClock(1_000);
    assert.equal(clock.now(), 1_000);
    clock.advance(250);
    assert.equal(clock.now(), 1_250);
    clock.advance(0);
    assert.equal(clock.now(), 1_250);
    clock.set(5_000);
    assert.equal(clock.now(), 5_000);
  });

  it('goes backwards with set(), running no timer', () => {
    const clock = new ManualClock(10_000);
    let ran = 0;
    clock.schedule(1, () => ran++);
    clock.set(9_000);
    assert.equal(clock.now(), 9_000);
    assert.equal(ran, 0);
    assert.equal(clock.pendingTimers, 1);
    clock.set(10_001);
    assert.equal(ran, 1);
  });

  it('runs due timers in order of due time, then of scheduling, each at its due time', () => {
    const clock = new ManualClock(100);
    const seen: string[] = [];
    clock.schedule(30, () => seen.push(`c@${clock.now()}`));
    clock.schedule(10, () => seen.push(`a@${clock.now()}`));
    clock.schedule(30, () => seen.push(`d@${clock.now()}`));
    clock.schedule(20, () => seen.push(`b@${clock.now()}`));
    clock.schedule(31, () => seen.push(`late@${clock.now()}`));
    clock.advance(30);
    assert.deepEqual(seen, ['a@110', 'b@120', 'c@130', 'd@130']);
    assert.equal(clock.now(), 130);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(1);
    assert.deepEqual(seen.at(-1), 'late@131');
  });

  it('runs timers scheduled by a timer when they fall due within the same advance', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.schedule(10, () => {
      seen.push(clock.now());
      clock.schedule(10, () => seen.push(clock.now()));
      clock.schedule(100, () => seen.push(clock.now()));
    });
    clock.advance(50);
    assert.deepEqual(seen, [10, 20]);
    assert.equal(clock.now(), 50);
    assert.equal(clock.pendingTimers, 1);
  });

  it('a timer due now or in the past (negative ms) runs at the next advance, even of 0', () => {
    const clock = new ManualClock(500);
    let at = -1;
    clock.schedule(-20, () => (at = clock.now()));
    assert.equal(at, -1);
    clock.advance(0);
    assert.equal(at, 500);
  });

  it('cancel removes a timer; cancelling twice does nothing', () => {
    const clock = new ManualClock();
    let ran = 0;
    const cancel = clock.schedule(5, () => ran++);
    clock.schedule(5, () => ran++);
    assert.equal(clock.pendingTimers, 2);
    cancel();
    cancel();
    assert.equal(clock.pendingTimers, 1);
    clock.advance(5);
    assert.equal(ran, 1);
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects non-finite and negative inputs with RangeErrors quoting them', () => {
    assert.throws(() => new ManualClock(NaN), {
      name: 'RangeError',
      message: 'ManualClock start must be finite, got NaN',
    });
    const clock = new ManualClock();
    assert.throws(
      () => {
        clock.advance(-1);
      },
      {
        name: 'RangeError',
        message: 'ManualClock.advance(ms): ms must be a finite number >= 0, got -1',
      },
    );
    assert.throws(
      () => {
        clock.advance(Infinity);
      },
      {
        name: 'RangeError',
        message: 'ManualClock.advance(ms): ms must be a finite number >= 0, got Infinity',
      },
    );
    assert.throws(
      () => {
        clock.set(-Infinity);
      },
      {
        name: 'RangeError',
        message: 'ManualClock.set(ms): ms must be finite, got -Infinity',
      },
    );
    assert.equal(clock.now(), 0);
  });

  describe('advanceAsync', () => {
    it('runs due timers in order and the microtasks each releases before the next timer', async () => {
      const clock = new ManualClock(100);
      const log: string[] = [];
      const sleep = (ms: number): Promise<void> =>
        new Promise((resolve) => {
          clock.schedule(ms, resolve);
        });
      const task = (async () => {
        await sleep(10);
        log.push(`a@${clock.now()}`);
        // Scheduled by a continuation of the first timer: still within the span, so it runs.
        await sleep(10);
        log.push(`b@${clock.now()}`);
        await sleep(100);
        log.push(`c@${clock.now()}`);
      })();
      clock.schedule(15, () => log.push(`t@${clock.now()}`));
      await clock.advanceAsync(50);
      assert.deepEqual(log, ['a@110', 't@115', 'b@120']);
      assert.equal(clock.now(), 150);
      // advance() would run the timer but not the continuation: advanceAsync does both.
      await clock.advanceAsync(70);
      assert.deepEqual(log, ['a@110', 't@115', 'b@120', 'c@220']);
      await task;
    });

    it('a breaker call awaiting its callTimeout finishes inside advanceAsync', async () => {
      const clock = new ManualClock(0);
      const breaker = new CircuitBreaker({ clock, callTimeout: 1000 });
      let outcome = 'pending';
      const done = breaker
        .execute(
          (signal) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                reject(signal.reason as Error);
              });
            }),
        )
        .then(
          () => (outcome = 'resolved'),
          (e: unknown) => (outcome = e instanceof CallTimeoutError ? 'timed out' : 'other'),
        );
      await clock.advanceAsync(999);
      assert.equal(outcome, 'pending');
      await clock.advanceAsync(1);
      assert.equal(outcome, 'timed out');
      await done;
    });

    it('rejects a bad span, and runs nothing past the target', async () => {
      const clock = new ManualClock();
      await assert.rejects(clock.advanceAsync(-1), RangeError);
      await assert.rejects(clock.advanceAsync(Infinity), /finite number >= 0, got Infinity/);
      let ran = false;
      clock.schedule(10, () => (ran = true));
      await clock.advanceAsync(9);
      assert.equal(ran, false);
      assert.equal(clock.pendingTimers, 1);
    });
  });
});
