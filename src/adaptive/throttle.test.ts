import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { BreakerError } from '../core/errors.js';
import { isPolicyRejection } from '../policies/errors.js';
import { wrap } from '../policies/wrap.js';
import { ManualClock } from '../testing/manual-clock.js';
import { adaptiveThrottle, ThrottledError, type ThrottleEvent } from './index.js';

/**
 * A `random` that returns the scripted values in turn, then the largest value below 1 (which
 * never rejects: p < 1 always); `calls` counts the draws.
 */
function scripted(...values: number[]): (() => number) & { calls: number; script: number[] } {
  const random = Object.assign(() => (random.calls++, random.script.shift() ?? 1 - 2 ** -53), {
    calls: 0,
    script: values,
  });
  return random;
}

const ok = (): string => 'ok';
const boom = (): never => {
  throw new Error('boom');
};
/** Settles a call and swallows its outcome; returns what happened. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ran',
    (error: unknown) => (error instanceof ThrottledError ? 'throttled' : 'failed'),
  );

describe('adaptiveThrottle', () => {
  it('starts at probability 0 and lets every call through while the dependency accepts them', async () => {
    const clock = new ManualClock();
    const random = scripted();
    const throttle = adaptiveThrottle({ clock, random });
    assert.equal(throttle.probability, 0);
    for (let i = 0; i < 20; i++) assert.equal(await outcome(throttle.execute(ok)), 'ran');
    assert.equal(throttle.requests, 20);
    assert.equal(throttle.accepts, 20);
    assert.equal(throttle.probability, 0);
    // p = 0 draws nothing: there is nothing to reject.
    assert.equal(random.calls, 0);
  });

  it('p = max(0, (requests - k * accepts) / (requests + 1)), computed before the call counts', async () => {
    const clock = new ManualClock();
    const random = scripted();
    const throttle = adaptiveThrottle({ clock, random });
    for (let i = 0; i < 10; i++) assert.equal(await outcome(throttle.execute(boom)), 'failed');
    // The first call met p = 0 and drew nothing; the next nine drew and ran.
    assert.equal(random.calls, 9);
    random.calls = 0;
    random.script.push(0.9, 11 / 12 - 1e-9, 12 / 13, 11 / 14 - 1e-9);
    assert.equal(throttle.probability, 10 / 11);
    // 0.9 < 10/11: rejected; the rejected call counts as a request.
    assert.equal(await outcome(throttle.execute(ok)), 'throttled');
    assert.equal(throttle.requests, 11);
    assert.equal(throttle.probability, 11 / 12);
    // A draw just below p rejects...
    assert.equal(await outcome(throttle.execute(ok)), 'throttled');
    assert.equal(throttle.probability, 12 / 13);
    // ...and a draw at p exactly lets the call run (random() < p rejects).
    assert.equal(await outcome(throttle.execute(ok)), 'ran');
    // 13 requests, 1 accept.
    assert.equal(throttle.probability, (13 - 2) / 14);
    assert.equal(await outcome(throttle.execute(ok)), 'throttled');
    assert.equal(random.calls, 4);
    assert.equal(throttle.rejected, 3);
  });

  it('a draw at or above p lets the call run, and its success is an accept', async () => {
    const clock = new ManualClock();
    const random = scripted();
    const throttle = adaptiveThrottle({ clock, random });
    for (let i = 0; i < 3; i++) await outcome(throttle.execute(boom));
    random.script.push(3 / 4, 0.5);
    assert.equal(throttle.probability, 3 / 4);
    assert.equal(await outcome(throttle.execute(ok)), 'ran');
    assert.equal(throttle.accepts, 1);
    // (4 - 2 * 1) / 5
    assert.equal(throttle.probability, 2 / 5);
    assert.equal(await outcome(throttle.execute(ok)), 'ran');
    // (5 - 2 * 2) / 6
    assert.equal(throttle.probability, 1 / 6);
  });

  it('k sets how many requests per accept pass before throttling starts', async () => {
    const clock = new ManualClock();
    const throttle = adaptiveThrottle({ clock, k: 1.1, random: scripted() });
    // Successes first: p stays 0 until the failures come.
    for (let i = 0; i < 6; i++) await outcome(throttle.execute(ok));
    for (let i = 0; i < 4; i++) await outcome(throttle.execute(boom));
    // (10 - 1.1 * 6) / 11; with k = 2 the same calls give 0.
    assert.equal(throttle.probability, (10 - 1.1 * 6) / 11);
    const lenient = adaptiveThrottle({ clock, random: scripted() });
    for (let i = 0; i < 6; i++) await outcome(lenient.execute(ok));
    for (let i = 0; i < 4; i++) await outcome(lenient.execute(boom));
    assert.equal(lenient.probability, 0);
  });

  it('isAccepted counts an error as accepted; a classifier that throws counts it as not', async () => {
    const clock = new ManualClock();
    class NotFound extends Error {}
    const throttle = adaptiveThrottle({
      clock,
      random: scripted(),
      isAccepted: (error) => {
        if (error instanceof NotFound) return true;
        throw new Error('classifier broke');
      },
    });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      await assert.rejects(
        throttle.execute(() => Promise.reject(new NotFound('404'))),
        NotFound,
      );
      await assert.rejects(throttle.execute(boom), /boom/);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.equal(throttle.requests, 2);
    assert.equal(throttle.accepts, 1);
    assert.ok(
      warnings.some((m) => m.includes('adaptiveThrottle isAccepted threw')),
      'warned',
    );
  });

  it('counts a call while now - its arrival < window, with its accept', async () => {
    const clock = new ManualClock(0);
    const throttle = adaptiveThrottle({ clock, window: 10_000, random: scripted() });
    await outcome(throttle.execute(ok));
    clock.set(5_000);
    await outcome(throttle.execute(boom));
    await outcome(throttle.execute(boom));
    assert.equal(throttle.requests, 3);
    clock.set(9_999);
    assert.equal(throttle.requests, 3);
    assert.equal(throttle.accepts, 1);
    clock.set(10_000);
    // The success at 0 has left the window: 2 requests, 0 accepts.
    assert.equal(throttle.requests, 2);
    assert.equal(throttle.accepts, 0);
    assert.equal(throttle.probability, 2 / 3);
    clock.set(15_000);
    assert.equal(throttle.requests, 0);
    assert.equal(throttle.probability, 0);
  });

  it('an accept belongs to the call’s arrival: a call that answers after its window ends adds nothing', async () => {
    const clock = new ManualClock(0);
    const throttle = adaptiveThrottle({ clock, window: 1_000, random: scripted() });
    let answer: (value: string) => void = () => undefined;
    const slow = throttle.execute(() => new Promise<string>((resolve) => (answer = resolve)));
    clock.set(1_000);
    answer('late');
    assert.equal(await slow, 'late');
    assert.equal(throttle.accepts, 0);
    assert.equal(throttle.requests, 0);
  });

  it('an already aborted signal rejects with its reason, runs nothing and counts nothing', async () => {
    const throttle = adaptiveThrottle({ clock: new ManualClock(), random: scripted() });
    const reason = new Error('caller gave up');
    let ran = false;
    await assert.rejects(
      throttle.execute(
        () => {
          ran = true;
        },
        { signal: AbortSignal.abort(reason) },
      ),
      (error) => error === reason,
    );
    assert.equal(ran, false);
    assert.equal(throttle.requests, 0);
  });

  it('rejects with ThrottledError: a BreakerError with code ERR_THROTTLED, a refusal', async () => {
    const clock = new ManualClock();
    const random = scripted();
    const throttle = adaptiveThrottle({ name: 'payments', clock, random });
    const events: ThrottleEvent[] = [];
    throttle.onThrottle((e) => events.push(e));
    await outcome(throttle.execute(boom));
    random.script.push(0);
    let ran = false;
    const error = await throttle
      .execute(() => {
        ran = true;
      })
      .catch((e: unknown) => e);
    assert.equal(ran, false);
    assert.ok(error instanceof ThrottledError, 'a ThrottledError');
    assert.ok(error instanceof BreakerError, 'a BreakerError');
    assert.equal(error.code, 'ERR_THROTTLED');
    assert.equal(error.name, 'ThrottledError');
    assert.equal(error.breakerName, 'payments');
    assert.equal(error.probability, 1 / 2);
    assert.equal(isPolicyRejection(error), true);
    assert.deepEqual(events, [
      { name: 'payments', at: 0, probability: 1 / 2, requests: 1, accepts: 0 },
    ]);
  });

  it('composes with wrap: a breaker outside the throttle records a throttled call as excluded', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, readyToTrip: () => false });
    const random = scripted();
    const throttle = adaptiveThrottle({ clock, random });
    const policy = wrap(breaker, throttle);
    await outcome(policy.execute(boom));
    random.script.push(0, 0);
    assert.equal(await outcome(policy.execute(ok)), 'throttled');
    assert.equal(await outcome(policy.execute(ok)), 'throttled');
    assert.equal(breaker.counts.totalFailures, 1);
    assert.equal(breaker.counts.totalExclusions, 2);
    assert.equal(breaker.counts.totalSuccesses, 0);
  });

  it('validates its options, naming the option and the value', () => {
    assert.throws(() => adaptiveThrottle({ k: 0.5 }), {
      name: 'RangeError',
      message: 'adaptiveThrottle option k must be a number >= 1, got 0.5',
    });
    assert.throws(() => adaptiveThrottle({ window: 0 }), {
      name: 'RangeError',
      message: 'adaptiveThrottle option window must be a number > 0, got 0',
    });
    assert.throws(() => adaptiveThrottle({ windw: 5 } as never), {
      name: 'TypeError',
      message: 'unknown adaptiveThrottle option windw (did you mean window?)',
    });
    assert.throws(() => adaptiveThrottle({ random: 0.5 } as never), {
      name: 'TypeError',
      message: 'adaptiveThrottle option random must be a function, got 0.5',
    });
    assert.equal(adaptiveThrottle().k, 2);
    assert.equal(adaptiveThrottle().window, 60_000);
  });
});
