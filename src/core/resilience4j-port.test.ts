// Scenarios of resilience4j's own tests, with their numbers: CircuitBreakerStateMachineTest
// (resilience4j-circuitbreaker) and the sliding window metrics tests of resilience4j-core
// (FixedSizeSlidingWindowMetricsTest, SlidingTimeWindowMetricsTest). resilience4j records
// outcomes with explicit durations (`onError(5, SECONDS)`); here durations are measured on a
// ManualClock between allow() and done(). Each test names the resilience4j test it ports.
//
// Where resilience4j and shared/API.md differ, API.md wins and the test says so. The main
// difference: resilience4j's half-open state decides by the failure rate of its permitted calls,
// API.md by gobreaker's rule (any failure, or slow call with a slow-call threshold, opens again;
// maxRequests consecutive successes close). resilience4j keeps the closed window's metrics
// while open; API.md clears the counts on every state change, and the transition event carries
// the counts that caused it.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { exponentialOpenBackoff } from './backoff.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, TooManyRequestsError } from './errors.js';
import type { StateChangeEvent } from './events.js';
import type { BreakerOptions } from './options.js';
import type { Outcome } from './types.js';
import { CountWindow } from './windows/count-window.js';
import { TimeWindow } from './windows/time-window.js';
import { FAILURE, SLOW, SUCCESS, type OutcomeWindow } from './windows/window.js';

/** java.lang.NumberFormatException: the exception resilience4j's setUp ignores. */
class NumberFormatError extends Error {}

// MockClock.at(2019, 1, 1, 12, 0, 0, UTC)
const START = Date.UTC(2019, 0, 1, 12, 0, 0);

interface Harness {
  clock: ManualClock;
  cb: CircuitBreaker;
  transitions: StateChangeEvent[];
  /** Calls not permitted since the last state change (resilience4j resets metrics with it). */
  notPermitted: () => number;
  /** tryAcquirePermission(): admitted calls keep their done() for later. */
  tryAcquire: () => boolean;
  /** onSuccess / onError of the oldest admitted call, after `ms` of duration. */
  finish: (outcome: Outcome, ms?: number) => void;
  /** (failureRate %, successful, buffered, failed, notPermitted), like the Java helper. */
  metrics: () => [number, number, number, number, number];
}

function harness(overrides: BreakerOptions = {}): Harness {
  const clock = new ManualClock(START);
  const cb = new CircuitBreaker({
    clock,
    name: 'testName',
    failureRateThreshold: 50,
    maxRequests: 4, // permittedNumberOfCallsInHalfOpenState(4)
    slowCallDuration: 4000, // slowCallDurationThreshold(4 s)
    slowCallRateThreshold: 50,
    window: { kind: 'time', size: 5000, buckets: 5 }, // slidingWindow(5, 5, TIME_BASED)
    minimumCalls: 5,
    timeout: 5000, // waitDurationInOpenState(5 s)
    isExcluded: (e) => e instanceof NumberFormatError, // ignoreExceptions(NumberFormatException)
    ...overrides,
  });
  const transitions: StateChangeEvent[] = [];
  let rejected = 0;
  cb.onTransition((e) => {
    transitions.push(e);
    rejected = 0;
  });
  cb.onCall((e) => {
    if (e.outcome === 'rejected') rejected++;
  });
  const pending: { done: (o: Outcome) => void; at: number }[] = [];
  return {
    clock,
    cb,
    transitions,
    notPermitted: () => rejected,
    tryAcquire() {
      try {
        pending.push({ done: cb.allow(), at: clock.now() });
        return true;
      } catch (e) {
        assert.ok(e instanceof BreakerOpenError || e instanceof TooManyRequestsError);
        return false;
      }
    },
    finish(outcome, ms = 0) {
      const call = pending.shift();
      assert.ok(call, 'no admitted call to finish');
      // The duration is measured: move the clock so that this call took `ms`.
      clock.set(Math.max(clock.now(), call.at + ms));
      call.done(outcome);
    },
    metrics() {
      const c = cb.counts;
      const rate = cb.failureRate;
      return [
        rate === -1 ? -1 : rate * 100,
        c.totalSuccesses,
        c.totalSuccesses + c.totalFailures,
        c.totalFailures,
        rejected,
      ];
    },
  };
}

/** transitionToOpenState(), the way a caller gets there: enough failures to trip. */
function open(h: Harness): void {
  for (let i = 0; i < 5; i++) {
    assert.ok(h.tryAcquire());
    h.finish(false);
  }
  assert.equal(h.cb.state, 'open');
}
/** transitionToHalfOpenState(): the open wait elapses. */
function halfOpen(h: Harness): void {
  h.clock.advance(h.cb.retryAfter);
  assert.equal(h.cb.state, 'half-open');
}

describe('resilience4j CircuitBreakerStateMachineTest', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('shouldReturnTheCorrectName', () => {
    assert.equal(h.cb.name, 'testName');
  });

  it('shouldThrowCallNotPermittedExceptionWhenStateIsOpen', () => {
    open(h);
    assert.throws(() => h.cb.allow(), BreakerOpenError);
    assert.equal(h.notPermitted(), 1);
  });

  it('shouldThrowCallNotPermittedExceptionWhenStateIsForcedOpen', () => {
    h.cb.forceOpen();
    assert.throws(() => h.cb.allow(), BreakerOpenError);
    assert.equal(h.notPermitted(), 1);
  });

  it('shouldIncreaseCounterOnReleasePermission', () => {
    open(h);
    halfOpen(h);
    assert.deepEqual(
      [
        h.tryAcquire(),
        h.tryAcquire(),
        h.tryAcquire(),
        h.tryAcquire(),
        h.tryAcquire(),
        h.tryAcquire(),
      ],
      [true, true, true, true, false, false],
    );
    h.finish('excluded'); // releasePermission()
    assert.equal(h.tryAcquire(), true);
  });

  it('shouldThrowCallNotPermittedExceptionWhenNotFurtherTestCallsArePermitted', () => {
    open(h);
    halfOpen(h);
    for (let i = 0; i < 4; i++) assert.equal(h.tryAcquire(), true);
    assert.throws(() => h.cb.allow(), TooManyRequestsError);
    assert.equal(h.notPermitted(), 1);
  });

  it('shouldOnlyPermitFourCallsInHalfOpenState', () => {
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    open(h);
    halfOpen(h);
    const episode = (): boolean[] => Array.from({ length: 6 }, () => h.tryAcquire());
    assert.deepEqual(episode(), [true, true, true, true, false, false]);
    // Back to open (a probe fails) and half-open again: four fresh admissions.
    h.finish(false);
    assert.equal(h.cb.state, 'open');
    halfOpen(h);
    assert.deepEqual(episode(), [true, true, true, true, false, false]);
  });

  it('shouldOpenAfterFailureRateThresholdExceeded', () => {
    assert.equal(h.tryAcquire(), true);
    h.finish(false); // call 1 is a failure
    assert.equal(h.cb.state, 'closed');
    assert.deepEqual(h.metrics(), [-1, 0, 1, 1, 0]);
    assert.equal(h.tryAcquire(), true);
    h.finish(false); // call 2
    assert.deepEqual(h.metrics(), [-1, 0, 2, 2, 0]);
    assert.equal(h.tryAcquire(), true);
    h.finish(false); // call 3
    assert.equal(h.cb.state, 'closed');
    assert.deepEqual(h.metrics(), [-1, 0, 3, 3, 0]);
    assert.equal(h.tryAcquire(), true);
    h.finish(true); // call 4 is a success
    assert.equal(h.cb.state, 'closed');
    assert.deepEqual(h.metrics(), [-1, 1, 4, 3, 0]);
    assert.equal(h.tryAcquire(), true);
    h.finish(true); // call 5: the window reaches minimumCalls with 60 % failures
    assert.equal(h.cb.state, 'open');
    // resilience4j still shows (60 %, 2, 5, 3) here; our counts are cleared and the event holds
    // them.
    const trip = h.transitions.at(-1);
    assert.equal(trip?.reason, 'tripped');
    assert.deepEqual(trip.counts, {
      requests: 5,
      totalSuccesses: 2,
      totalFailures: 3,
      totalExclusions: 0,
      consecutiveSuccesses: 2,
      consecutiveFailures: 0,
    });
    assert.equal(h.tryAcquire(), false); // records a not-permitted call
    assert.equal(h.notPermitted(), 1);
  });

  it('shouldOpenAfterSlowCallRateThresholdExceeded', () => {
    // Calls 1, 2 and 5 take 5 s, calls 3 and 4 take 100 ms, and all five end at the same
    // instant, so the 5 s time window holds them all; they are recorded in resilience4j's order.
    const d1 = h.cb.allow();
    const d2 = h.cb.allow();
    const d5 = h.cb.allow();
    h.clock.advance(4900);
    const d3 = h.cb.allow();
    const d4 = h.cb.allow();
    h.clock.advance(100);
    d1(false); // call 1 is slow (an error)
    assert.equal(h.cb.state, 'closed');
    d2(true); // call 2 is slow
    assert.equal(h.cb.state, 'closed');
    d3(false); // call 3 is fast (an error)
    assert.equal(h.cb.state, 'closed');
    d4(true); // call 4 is fast
    assert.equal(h.cb.state, 'closed');
    d5(true); // call 5 is slow: 3 slow of 5 = 60 %
    assert.equal(h.cb.state, 'open');
    const trip = h.transitions.at(-1);
    assert.equal(trip?.counts.totalSuccesses, 3);
    assert.equal(trip.counts.totalFailures, 2); // 40 % < 50 %: the slow-call rate tripped it
  });

  it('shouldTransitionToHalfOpenAfterWaitDuration', () => {
    open(h);
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    assert.equal(h.cb.state, 'open');
    assert.equal(h.tryAcquire(), false);
    h.clock.advance(3000);
    assert.equal(h.cb.state, 'open'); // the wait of 5 s has not elapsed
    assert.equal(h.tryAcquire(), false);
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 2]);
    h.clock.advance(3000);
    assert.equal(h.tryAcquire(), true);
    assert.equal(h.cb.state, 'half-open');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
  });

  it('shouldTransitionToHalfOpenAfterWaitInterval (exponential backoff of the open wait)', () => {
    // IntervalFunction.ofExponentialBackoff(5000): 5 s, then 7.5 s, ...
    const hb = harness({ timeout: exponentialOpenBackoff({ initial: 5000, multiplier: 1.5 }) });
    open(hb);
    assert.equal(hb.tryAcquire(), false);
    hb.clock.advance(3000);
    assert.equal(hb.cb.state, 'open');
    assert.equal(hb.tryAcquire(), false);
    assert.deepEqual(hb.metrics(), [-1, 0, 0, 0, 2]);
    hb.clock.advance(3000);
    assert.equal(hb.tryAcquire(), true);
    assert.equal(hb.cb.state, 'half-open');
    assert.deepEqual(hb.metrics(), [-1, 0, 0, 0, 0]);
    hb.finish(false); // back to open: the second wait is 7.5 s
    assert.equal(hb.cb.state, 'open');
    hb.clock.advance(6000);
    assert.equal(hb.cb.state, 'open');
    assert.equal(hb.tryAcquire(), false);
    hb.clock.advance(5000);
    assert.equal(hb.tryAcquire(), true);
    assert.equal(hb.cb.state, 'half-open');
    assert.deepEqual(hb.metrics(), [-1, 0, 0, 0, 0]);
  });

  it('shouldTransitionBackToOpenStateWhenFailureRateIsAboveThreshold', () => {
    open(h);
    halfOpen(h);
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    // resilience4j admits 4 probes (F, F, S, F) and opens at 75 %. API.md: the first failed
    // probe opens the breaker again, so probe 2 is already refused.
    assert.ok(h.tryAcquire());
    h.finish(false);
    assert.equal(h.cb.state, 'open');
    assert.equal(h.tryAcquire(), false);
  });

  it('shouldTransitionBackToOpenStateWhenSlowCallRateIsAboveThreshold', () => {
    open(h);
    halfOpen(h);
    // resilience4j: three 5 s successes and a 1 s one, then open at 75 % slow. API.md, with a
    // slow-call threshold set: the first slow probe opens it again.
    assert.ok(h.tryAcquire());
    h.finish(true, 5000);
    assert.equal(h.cb.state, 'open');
    assert.equal(h.transitions.at(-1)?.reason, 'probe-slow');
  });

  it('shouldTransitionBackToClosedStateWhenFailureIsBelowThreshold (4 successful probes)', () => {
    open(h);
    halfOpen(h);
    // resilience4j closes after F, S, S, S (25 % < 50 %); API.md would reopen on that F. Four
    // successful probes (maxRequests) close it in both.
    for (let i = 0; i < 3; i++) {
      assert.ok(h.tryAcquire());
      h.finish(true);
      assert.equal(h.cb.state, 'half-open');
    }
    assert.ok(h.tryAcquire());
    h.finish(true);
    assert.equal(h.tryAcquire(), true);
    assert.equal(h.cb.state, 'closed');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    // Call 5 is a success and fills the window in closed state.
    h.finish(true);
    assert.deepEqual(h.metrics(), [-1, 1, 1, 0, 0]);
  });

  it('shouldResetMetrics', () => {
    assert.equal(h.cb.state, 'closed');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    h.cb.allow()(true);
    h.cb.allow()(false);
    assert.deepEqual(h.metrics(), [-1, 1, 2, 1, 0]);
    h.cb.reset();
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
  });

  it('shouldDisableCircuitBreaker', () => {
    h.cb.disable();
    assert.equal(h.cb.state, 'closed');
    assert.equal(h.cb.forcedState, 'disabled');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    assert.ok(h.tryAcquire());
    h.finish(true);
    for (let i = 0; i < 4; i++) {
      assert.ok(h.tryAcquire());
      h.finish(false);
    }
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
  });

  it('shouldForceOpenCircuitBreaker', () => {
    h.cb.forceOpen();
    assert.equal(h.cb.forcedState, 'open');
    assert.equal(h.tryAcquire(), false);
    h.clock.advance(6000);
    assert.equal(h.tryAcquire(), false);
    // No half-open, although the 5 s wait has elapsed.
    assert.equal(h.cb.state, 'open');
    assert.equal(h.cb.forcedState, 'open');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 2]);
  });

  it('shouldReleasePermissionWhenExceptionIgnored', () => {
    open(h);
    halfOpen(h);
    for (let i = 1; i <= 3; i++) {
      assert.ok(h.tryAcquire());
      h.finish(true);
      assert.equal(h.cb.state, 'half-open');
      assert.deepEqual(h.metrics(), [-1, i, i, 0, 0]);
    }
    assert.ok(h.tryAcquire());
    // An ignored exception releases its permission and changes no metric.
    h.finish('excluded');
    assert.equal(h.cb.state, 'half-open');
    assert.deepEqual(h.metrics(), [-1, 3, 3, 0, 0]);
    // The released permission admits a fifth call. resilience4j closes on its failure (1 of 4);
    // API.md opens again on any failed probe.
    assert.ok(h.tryAcquire());
    h.finish(false);
    assert.equal(h.cb.state, 'open');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
  });

  it('shouldIgnoreExceptionsAndThenTransitionToClosed', () => {
    open(h);
    halfOpen(h);
    for (let i = 0; i < 4; i++) {
      assert.ok(h.tryAcquire());
      h.finish('excluded'); // ignored: releases its permission
      assert.equal(h.cb.state, 'half-open');
    }
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
    for (let i = 0; i < 3; i++) {
      assert.ok(h.tryAcquire());
      h.finish(true);
      assert.equal(h.cb.state, 'half-open');
    }
    assert.deepEqual(h.metrics(), [-1, 3, 3, 0, 0]);
    assert.ok(h.tryAcquire());
    h.finish(true);
    assert.equal(h.cb.state, 'closed');
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
  });

  it('shouldResetToClosedState', () => {
    open(h);
    h.cb.reset();
    assert.equal(h.cb.state, 'closed');
  });

  it('shouldResetClosedState', () => {
    h.cb.allow()(true);
    h.cb.allow()(true);
    assert.equal(h.cb.counts.totalSuccesses, 2);
    h.cb.reset();
    assert.equal(h.cb.state, 'closed');
    assert.equal(h.cb.counts.totalSuccesses, 0);
  });

  it('an ignored exception thrown by fn itself is excluded (ignoreExceptions)', async () => {
    await assert.rejects(
      h.cb.execute(() => Promise.reject(new NumberFormatError('x'))),
      NumberFormatError,
    );
    assert.equal(h.cb.counts.totalExclusions, 1);
    assert.deepEqual(h.metrics(), [-1, 0, 0, 0, 0]);
  });
});

// --- resilience4j-core sliding window metrics ---------------------------------------------------

interface Snapshot {
  total: number;
  successful: number;
  failed: number;
  slow: number;
  failureRate: number;
}
function snapshot(w: OutcomeWindow): Snapshot {
  const total = w.successes + w.failures;
  return {
    total,
    successful: w.successes,
    failed: w.failures,
    slow: w.slow,
    // resilience4j's Snapshot.getFailureRate(): 0 with no calls.
    failureRate: total === 0 ? 0 : (w.failures * 100) / total,
  };
}

describe('resilience4j FixedSizeSlidingWindowMetricsTest', () => {
  it('checkInitialBucketCreation', () => {
    assert.deepEqual(snapshot(new CountWindow(5)), {
      total: 0,
      successful: 0,
      failed: 0,
      slow: 0,
      failureRate: 0,
    });
  });

  it('testRecordSuccess / testRecordError / testRecordSlowSuccess', () => {
    const s = new CountWindow(5);
    s.record(SUCCESS, 0);
    assert.deepEqual(snapshot(s), { total: 1, successful: 1, failed: 0, slow: 0, failureRate: 0 });
    const e = new CountWindow(5);
    e.record(FAILURE, 0);
    assert.deepEqual(snapshot(e), {
      total: 1,
      successful: 0,
      failed: 1,
      slow: 0,
      failureRate: 100,
    });
    const slow = new CountWindow(5);
    slow.record(SUCCESS + SLOW, 0);
    assert.deepEqual(snapshot(slow), {
      total: 1,
      successful: 1,
      failed: 0,
      slow: 1,
      failureRate: 0,
    });
  });

  it('testSlowCallsPercentage', () => {
    const w = new CountWindow(5);
    for (const code of [SUCCESS + SLOW, FAILURE + SLOW, SUCCESS, SUCCESS, SUCCESS])
      w.record(code, 0);
    const s = snapshot(w);
    assert.equal(s.total, 5);
    assert.equal(s.successful, 4);
    assert.equal(s.slow, 2);
    assert.equal((s.slow * 100) / s.total, 40);
  });

  it('testSlidingWindowMetrics (size 4)', () => {
    const w = new CountWindow(4);
    const steps: [number, number, number, number, number][] = [
      [FAILURE, 1, 0, 1, 100],
      [SUCCESS, 2, 1, 1, 50],
      [SUCCESS, 3, 2, 1, 100 / 3],
      [SUCCESS, 4, 3, 1, 25],
      [SUCCESS, 4, 4, 0, 0],
    ];
    for (const [code, total, successful, failed, rate] of steps) {
      w.record(code, 0);
      const s = snapshot(w);
      assert.deepEqual([s.total, s.successful, s.failed], [total, successful, failed]);
      assert.ok(Math.abs(s.failureRate - rate) < 1e-9);
    }
  });

  it('testSlidingWindowMetricsWithSlowCalls (size 2)', () => {
    const w = new CountWindow(2);
    const steps: [number, number, number, number, number][] = [
      [FAILURE + SLOW, 1, 1, 0, 1],
      [SUCCESS + SLOW, 2, 2, 1, 1],
      [SUCCESS, 2, 1, 2, 0],
      [SUCCESS, 2, 0, 2, 0],
      [SUCCESS, 2, 0, 2, 0],
    ];
    for (const [code, total, slow, successful, failed] of steps) {
      w.record(code, 0);
      const s = snapshot(w);
      assert.deepEqual(
        [s.total, s.slow, s.successful, s.failed],
        [total, slow, successful, failed],
      );
    }
  });
});

describe('resilience4j SlidingTimeWindowMetricsTest', () => {
  // MockClock.at(2019, 8, 4, 12, 0, 0, UTC); a 5 s window in 1 s buckets.
  const start = Date.UTC(2019, 7, 4, 12, 0, 0);

  it('checkInitialBucketCreation', () => {
    const w = new TimeWindow(5000, 5);
    w.advance(start);
    assert.deepEqual(snapshot(w), { total: 0, successful: 0, failed: 0, slow: 0, failureRate: 0 });
  });

  it('testRecordSuccess / testRecordError / testRecordSlowSuccess / testSlowCallsPercentage', () => {
    const w = new TimeWindow(5000, 5);
    for (const code of [SUCCESS + SLOW, FAILURE + SLOW, SUCCESS, SUCCESS, SUCCESS])
      w.record(code, start);
    assert.deepEqual(snapshot(w), { total: 5, successful: 4, failed: 1, slow: 2, failureRate: 20 });
  });

  it('shouldClearSlidingTimeWindowMetrics', () => {
    const w = new TimeWindow(5000, 5);
    let now = start;
    const step = (ms: number, code?: number): Snapshot => {
      now += ms;
      if (code === undefined) w.advance(now);
      else w.record(code, now);
      return snapshot(w);
    };
    assert.deepEqual(step(0, FAILURE), {
      total: 1,
      successful: 0,
      failed: 1,
      slow: 0,
      failureRate: 100,
    });
    assert.deepEqual(step(100, SUCCESS), {
      total: 2,
      successful: 1,
      failed: 1,
      slow: 0,
      failureRate: 50,
    });
    assert.deepEqual(step(700, SUCCESS).total, 3);
    assert.deepEqual(step(4000), {
      total: 3,
      successful: 2,
      failed: 1,
      slow: 0,
      failureRate: 100 / 3,
    });
    assert.deepEqual(step(1000), { total: 0, successful: 0, failed: 0, slow: 0, failureRate: 0 });
    assert.deepEqual(step(100, SUCCESS), {
      total: 1,
      successful: 1,
      failed: 0,
      slow: 0,
      failureRate: 0,
    });
  });

  it('testSlidingTimeWindowMetrics', () => {
    const w = new TimeWindow(5000, 5);
    let now = start;
    const rows: [number, number, number, number, number][] = [
      // advance ms, outcome, total, successful, failed
      [0, FAILURE, 1, 0, 1],
      [100, SUCCESS, 2, 1, 1],
      [100, SUCCESS, 3, 2, 1],
      [1000, SUCCESS, 4, 3, 1],
      [1000, SUCCESS, 5, 4, 1],
      [1000, FAILURE, 6, 4, 2],
      [1000, SUCCESS, 7, 5, 2],
      [1000, SUCCESS, 5, 4, 1],
      [1000, SUCCESS, 5, 4, 1],
      [5000, SUCCESS, 1, 1, 0],
    ];
    for (const [ms, code, total, successful, failed] of rows) {
      now += ms;
      w.record(code, now);
      const s = snapshot(w);
      assert.deepEqual(
        [s.total, s.successful, s.failed],
        [total, successful, failed],
        `at +${now - start} ms`,
      );
    }
  });
});
