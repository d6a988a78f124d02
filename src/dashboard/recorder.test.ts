import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { ManualClock } from '../testing/manual-clock.js';
import { BreakerRecorder, secondOf } from './recorder.js';
import type { HistoryPoint } from './types.js';

function setup(window = 10_000, keep = 2) {
  const clock = new ManualClock(10_000);
  const breaker = new CircuitBreaker({
    name: 'payments',
    clock,
    window: { kind: 'count', size: 4 },
    failureRateThreshold: 50,
    minimumCalls: 2,
    timeout: 1500,
  });
  const recorder = new BreakerRecorder(breaker, 'payments', clock.now(), window, keep);
  let seq = 0;
  breaker.onCall((e) => {
    recorder.recordCall(e, clock.now());
  });
  breaker.onTransition((e) => recorder.recordTransition(e, ++seq, clock.now()));
  return { clock, breaker, recorder };
}

const ok = () => 'ok';
const boom = () => {
  throw new Error('boom');
};

function point(t: number, state: HistoryPoint['state'], counts: Partial<HistoryPoint> = {}) {
  return { t, ok: 0, failed: 0, rejected: 0, excluded: 0, slow: 0, state, ...counts };
}

describe('BreakerRecorder', () => {
  it('counts calls per second, with the worst state of each second, and fills the gaps', async () => {
    const { clock, breaker, recorder } = setup();
    await breaker.execute(ok);
    clock.advance(400);
    await breaker.tryExecute(boom); // 1 of 2 failed: 50 %, trips
    assert.equal(breaker.state, 'open');
    clock.advance(100);
    await breaker.tryExecute(ok); // rejected
    clock.set(12_000); // half-open since 11_900
    await breaker.execute(ok); // the probe closes it

    assert.deepEqual(recorder.history(10_000, 13_500), [
      point(10_000, 'open', { ok: 1, failed: 1, rejected: 1 }),
      point(11_000, 'open'),
      // Known to be open at the start of this second, closed at its end.
      point(12_000, 'open', { ok: 1 }),
      point(13_000, 'closed'),
    ]);
    assert.deepEqual(recorder.totals, {
      calls: 4,
      ok: 2,
      failed: 1,
      rejected: 1,
      excluded: 0,
      slow: 0,
    });
    // Two kept: the oldest (closed -> open) is gone.
    assert.deepEqual(
      recorder.transitions().map((t) => [t.seq, t.from, t.to, t.reason, t.at, t.id]),
      [
        [2, 'open', 'half-open', 'timeout-elapsed', 11_900, 'payments'],
        [3, 'half-open', 'closed', 'probes-succeeded', 12_000, 'payments'],
      ],
    );
    assert.equal(recorder.lastState, 'closed');
  });

  it('starts the history with the state the breaker was in when recording began', () => {
    const clock = new ManualClock(5_500);
    const breaker = new CircuitBreaker({ clock, timeout: 10_000 });
    breaker.forceOpen();
    const recorder = new BreakerRecorder(breaker, 'x', clock.now(), 60_000, 5);
    assert.deepEqual(recorder.history(3_000, 6_999), [
      point(3_000, 'open'),
      point(4_000, 'open'),
      point(5_000, 'open'),
      point(6_000, 'open'),
    ]);
  });

  it('keeps only the window, carrying the state of the dropped seconds', async () => {
    const { clock, breaker, recorder } = setup(10_000);
    await breaker.tryExecute(boom);
    await breaker.tryExecute(boom); // trips at 10_000
    clock.set(25_000);
    await breaker.tryExecute(ok); // half-open since 11_500: this probe closes it
    // The 10_000 point is older than the window and dropped; the gap before 25_000 reads as
    // the state the dropped point ended in.
    const history = recorder.history(14_000, 25_999);
    assert.equal(history.length, 12);
    assert.deepEqual(history[0], point(14_000, 'open'));
    assert.deepEqual(history[11], point(25_000, 'open', { ok: 1 }));
    assert.deepEqual(recorder.history(26_000, 26_000), [point(26_000, 'closed')]);
  });

  it('adds to the latest second when the clock steps back', async () => {
    const { clock, breaker, recorder } = setup();
    clock.set(12_300);
    await breaker.execute(ok);
    clock.set(11_000);
    await breaker.execute(ok);
    assert.deepEqual(recorder.history(12_000, 12_000), [point(12_000, 'closed', { ok: 2 })]);
  });

  it('counts slow and excluded calls', async () => {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({
      clock,
      window: { kind: 'count', size: 10 },
      slowCallDuration: 100,
      slowCallRateThreshold: 100,
      minimumCalls: 10,
      isExcluded: (e) => e instanceof RangeError,
    });
    const recorder = new BreakerRecorder(breaker, 'x', 0, 10_000, 5);
    breaker.onCall((e) => {
      recorder.recordCall(e, clock.now());
    });
    const slow = breaker.execute(
      () =>
        new Promise((resolve) => {
          clock.schedule(150, () => {
            resolve('late');
          });
        }),
    );
    clock.advance(150);
    await slow;
    await breaker.tryExecute(() => {
      throw new RangeError('not the dependency');
    });
    assert.deepEqual(recorder.history(0, 0), [point(0, 'closed', { ok: 1, slow: 1, excluded: 1 })]);
    assert.equal(secondOf(1999), 1000);
    assert.equal(secondOf(-1), -1000);
  });
});
