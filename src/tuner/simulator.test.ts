import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from './simulator.js';
import { splitTrace, type TraceCall } from './trace.js';

function service(calls: readonly Omit<TraceCall, 'service'>[]) {
  return splitTrace(calls.map((c) => ({ ...c, service: 's' }))).services[0]!;
}

const ok = (time: number, duration = 5): Omit<TraceCall, 'service'> => ({
  time,
  duration,
  outcome: 'success',
});
const bad = (time: number, duration = 5): Omit<TraceCall, 'service'> => ({
  time,
  duration,
  outcome: 'failure',
});

describe('replay (hand-computed costs)', () => {
  it('defaults: six failures let through, then the open breaker rejects two successes', () => {
    // Failures at 0..90 reported at +5; the 6th (call at 50) trips at 55; 60..90 are rejected
    // failures (free); the successes at 100 and 110 are rejected (open until 60055).
    const trace = service([
      ...[0, 10, 20, 30, 40, 50, 60, 70, 80, 90].map((t) => bad(t)),
      ok(100),
      ok(110),
    ]);
    const r = replay(trace, {}, { timeline: true });
    assert.equal(r.leakedFailures, 6);
    assert.equal(r.lostGoodput, 2);
    assert.equal(r.cost, 8);
    assert.equal(r.admitted, 6);
    assert.equal(r.rejected, 6);
    assert.equal(r.opens, 1);
    assert.equal(r.wastedWaitMs, 30);
    assert.deepEqual(r.timeline, [
      { at: 0, to: 'closed' },
      { at: 55, to: 'open' },
    ]);
  });

  it('at equal times the outcome is reported before the call is admitted', () => {
    // The failure of the call at 0 is reported at 10 and trips; the call at 10 is rejected.
    const trace = service([bad(0, 10), ok(10)]);
    const options = { window: { kind: 'count', size: 1 }, failureRateThreshold: 100 } as const;
    const r = replay(trace, options);
    assert.deepEqual([r.leakedFailures, r.lostGoodput, r.cost], [1, 1, 2]);
    // A call of duration 0 is admitted first and then reported at its own start.
    const zero = replay(service([bad(0, 0), ok(0)]), options);
    assert.deepEqual([zero.leakedFailures, zero.lostGoodput, zero.cost], [1, 1, 2]);
  });

  it('callTimeout cuts a long call at time + callTimeout as a failure that costs 1', () => {
    // 0: 500 ms success cut at 100 (cost 1), trips; 50: admitted before the cut, succeeds;
    // 150: rejected success (cost 1); 1100: the probe (half-open from 1100), succeeds, closes.
    const trace = service([ok(0, 500), ok(50, 10), ok(150, 10), ok(1100, 10), ok(1200, 10)]);
    const r = replay(
      trace,
      {
        callTimeout: 100,
        window: { kind: 'count', size: 1 },
        failureRateThreshold: 100,
        timeout: 1000,
      },
      { timeline: true },
    );
    assert.deepEqual(
      [r.cutSuccesses, r.lostGoodput, r.leakedFailures, r.cost, r.probes, r.wastedWaitMs],
      [1, 1, 0, 2, 1, 100],
    );
    assert.deepEqual(r.timeline, [
      { at: 0, to: 'closed' },
      { at: 100, to: 'open' },
      { at: 1100, to: 'half-open' },
      { at: 1110, to: 'closed' },
    ]);
  });

  it('excluded calls cost nothing, admitted or rejected', () => {
    const ex = (time: number) => ({ time, duration: 5, outcome: 'excluded' as const });
    const r = replay(service([bad(0), ex(10), ex(20)]), {
      window: { kind: 'count', size: 1 },
      failureRateThreshold: 100,
    });
    assert.deepEqual([r.cost, r.admitted, r.rejected], [1, 1, 2]);
  });

  it('time to detect and to recover against the outage read off the trace', () => {
    // A call every 100 ms for 10 s, failing from 3000 to 5900: the outage is [3000, 6000).
    // A 10-call count window at 50% trips when the failure of the call at 3400 is reported
    // (3410): 5 successes and 5 failures. The 60 s open wait outlasts the trace (last call 9900).
    const calls = Array.from({ length: 100 }, (_, i) =>
      i * 100 >= 3000 && i * 100 < 6000 ? bad(i * 100, 10) : ok(i * 100, 10),
    );
    const r = replay(service(calls), {
      window: { kind: 'count', size: 10 },
      failureRateThreshold: 50,
      minimumCalls: 10,
    });
    assert.deepEqual(r.outages, [{ start: 3000, end: 6000 }]);
    assert.equal(r.detectMs, 410);
    assert.equal(r.recoverMs, 3900);
    assert.equal(r.flaps, 0);
    // Failures 3000..3400 leak (5), and 40 successes from 6000 on are rejected.
    assert.deepEqual([r.leakedFailures, r.lostGoodput, r.cost], [5, 40, 45]);
  });

  it('an open outside any outage is a flap; the real breaker backs off its open wait', () => {
    const calls = Array.from({ length: 50 }, (_, i) => (i === 10 ? bad(i * 100) : ok(i * 100)));
    const r = replay(service(calls), {
      window: { kind: 'count', size: 1 },
      failureRateThreshold: 100,
      timeout: (opens) => 1000 * opens,
    });
    assert.equal(r.outages.length, 0);
    assert.equal(r.detectMs, null);
    assert.deepEqual([r.flaps, r.opens], [1, 1]);
    // Open at 1005 until 2005: the successes at 1100..2000 (10) are lost; 2100 is the probe.
    assert.deepEqual([r.lostGoodput, r.probes, r.cost], [10, 1, 11]);
  });

  it('is deterministic', () => {
    const calls = Array.from({ length: 500 }, (_, i) =>
      (i * 7919) % 13 < 4 ? bad(i * 10, (i * 31) % 50) : ok(i * 10, (i * 17) % 40),
    );
    const options = {
      window: { kind: 'time', size: 1000 },
      failureRateThreshold: 30,
      timeout: 200,
    } as const;
    assert.deepEqual(replay(service(calls), options), replay(service(calls), options));
  });
});
