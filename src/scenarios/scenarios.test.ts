import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { CallTimeoutError } from '../core/errors.js';
import { NEVER_ABORTED } from '../core/never-aborted.js';
import {
  arrivals,
  conditionsAt,
  faultWindows,
  generateTrace,
  runScenario,
  scenario,
  scenarioNames,
  scenarios,
  type PolicyLike,
  type TraceCall,
} from './index.js';

const passThrough: PolicyLike = {
  execute: (fn) => Promise.resolve().then(() => fn(NEVER_ABORTED)),
};
const rejectAll: PolicyLike = { execute: () => Promise.reject(new Error('no')) };

const within = (calls: TraceCall[], from: number, to: number): TraceCall[] =>
  calls.filter((c) => c.time >= from && c.time < to);
const failureShare = (calls: TraceCall[]): number =>
  calls.filter((c) => c.outcome === 'failure').length / calls.length;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

describe('scenario library: traces', () => {
  it('the same seed gives the same trace, another seed another one', () => {
    for (const name of scenarioNames) {
      const a = generateTrace(scenarios[name], { seed: 7 });
      assert.deepEqual(generateTrace(scenarios[name], { seed: 7 }), a, name);
      assert.notDeepEqual(generateTrace(scenarios[name], { seed: 8 }), a, name);
    }
  });

  it('writes API.md trace records in time order, with the service, duration and rate asked for', () => {
    const trace = generateTrace(scenarios['spike-60'], {
      seed: 3,
      duration: 60_000,
      rate: 50,
      service: 'payments',
    });
    assert.ok(
      trace.length > 2_700 && trace.length < 3_300,
      `${trace.length} calls in 60 s at 50/s`,
    );
    for (const [i, call] of trace.entries()) {
      assert.deepEqual(Object.keys(call), ['time', 'service', 'duration', 'outcome']);
      assert.equal(call.service, 'payments');
      assert.ok(
        call.time >= 0 && call.time < 60_000 && call.duration > 0,
        'call.time >= 0 && call.time < 60_000 && call.duration > 0',
      );
      assert.ok(
        i === 0 || call.time >= (trace[i - 1]?.time ?? 0),
        'i === 0 || call.time >= (trace[i - 1]?.time ?? 0)',
      );
    }
    assert.equal(generateTrace(scenarios.noisy, { seed: 1 })[0]?.service, 'dependency');
  });

  it('spikes fail at their rate for 45 s after three healthy minutes', () => {
    for (const [name, rate] of [
      ['spike-20', 0.2],
      ['spike-60', 0.6],
      ['spike-100', 1],
    ] as const) {
      const trace = generateTrace(scenarios[name], { seed: 11, rate: 100 });
      const healthy = failureShare(within(trace, 0, 180_000));
      const spike = failureShare(within(trace, 180_000, 225_000));
      const after = failureShare(within(trace, 225_000, 300_000));
      assert.ok(healthy < 0.01, `${name} healthy ${healthy}`);
      assert.ok(after < 0.01, `${name} after ${after}`);
      assert.ok(Math.abs(spike - rate) < 0.02, `${name} spike ${spike}`);
    }
  });

  it('a gradual rise climbs linearly, holds at 80 %, then stops', () => {
    const s = scenarios['gradual-rise'];
    assert.equal(conditionsAt(s, 180_000).errorRate, 0.005);
    assert.ok(
      Math.abs(conditionsAt(s, 240_000).errorRate - 0.4025) < 1e-9,
      'Math.abs(conditionsAt(s, 240_000).errorRate - 0.4025) < 1e-9',
    );
    assert.equal(conditionsAt(s, 300_000).errorRate, 0.8);
    const trace = generateTrace(s, { seed: 2, rate: 100 });
    const quarters = [0, 1, 2, 3].map((q) =>
      failureShare(within(trace, 180_000 + q * 30_000, 210_000 + q * 30_000)),
    );
    for (let q = 1; q < 4; q++)
      assert.ok(
        (quarters[q] ?? 0) > (quarters[q - 1] ?? 0) + 0.1,
        '(quarters[q] ?? 0) > (quarters[q - 1] ?? 0) + 0.1',
      );
    assert.ok(
      Math.abs(failureShare(within(trace, 300_000, 330_000)) - 0.8) < 0.03,
      'Math.abs(failureShare(within(trace, 300_000, 330_000)) - 0.8) < 0.03',
    );
    assert.ok(
      failureShare(within(trace, 330_000, 420_000)) < 0.01,
      'failureShare(within(trace, 330_000, 420_000)) < 0.01',
    );
    assert.deepEqual(faultWindows(s), [{ start: 180_000, end: 330_000 }]);
  });

  it('oscillating errors come in six 10 s bursts, 30 s apart', () => {
    const s = scenarios.oscillating;
    const faults = faultWindows(s);
    assert.equal(faults.length, 6);
    for (const [i, f] of faults.entries()) {
      assert.deepEqual(f, { start: 180_000 + i * 30_000, end: 190_000 + i * 30_000 });
    }
    const trace = generateTrace(s, { seed: 5, rate: 100 });
    for (const f of faults) {
      assert.ok(
        Math.abs(failureShare(within(trace, f.start, f.end)) - 0.7) < 0.05,
        'Math.abs(failureShare(within(trace, f.start, f.end)) - 0.7) < 0.05',
      );
      assert.ok(
        failureShare(within(trace, f.end, f.end + 20_000)) < 0.015,
        'failureShare(within(trace, f.end, f.end + 20_000)) < 0.015',
      );
    }
  });

  it('a slow dependency answers in about 900 ms, and a third of its calls hit the deadline', () => {
    const trace = generateTrace(scenarios['slow-dependency'], { seed: 4 });
    const before = within(trace, 0, 180_000);
    const slow = within(trace, 180_000, 240_000);
    assert.ok(
      Math.abs(median(before.map((c) => c.duration)) - 40) < 3,
      'Math.abs(median(before.map((c) => c.duration)) - 40) < 3',
    );
    assert.ok(
      median(slow.map((c) => c.duration)) > 850,
      'median(slow.map((c) => c.duration)) > 850',
    );
    const timeouts = slow.filter((c) => c.outcome === 'failure' && c.duration === 1_000);
    const share = timeouts.length / slow.length;
    assert.ok(share > 0.3 && share < 0.45, `timeout share ${share}`);
    assert.ok(
      Math.max(...slow.map((c) => c.duration)) <= 1_000,
      'Math.max(...slow.map((c) => c.duration)) <= 1_000',
    );
  });

  it('sustained overload fills the queue: latency grows and calls are turned away, then it drains', () => {
    const trace = generateTrace(scenarios.overload, { seed: 6 });
    const before = within(trace, 0, 180_000);
    const overload = within(trace, 185_000, 240_000);
    const after = within(trace, 250_000, 300_000);
    assert.ok(failureShare(before) < 0.01, 'failureShare(before) < 0.01');
    assert.ok(
      median(before.map((c) => c.duration)) < 80,
      'median(before.map((c) => c.duration)) < 80',
    );
    const turnedAway = overload.filter((c) => c.outcome === 'failure' && c.duration === 1).length;
    assert.ok(turnedAway / overload.length > 0.25, `turned away ${turnedAway}/${overload.length}`);
    assert.ok(median(overload.map((c) => c.duration)) > 300, 'queued calls wait');
    assert.ok(failureShare(after) < 0.01, 'failureShare(after) < 0.01');
    const rate = overload.length / 55;
    assert.ok(rate > 130 && rate < 150, `offered ${rate}/s`);
  });

  it('the low-traffic service sees 1 call/s and a real 2 min outage', () => {
    const trace = generateTrace(scenarios['low-traffic-outage'], { seed: 8 });
    assert.ok(trace.length > 850 && trace.length < 950, `${trace.length} calls in 900 s`);
    const outage = within(trace, 600_000, 720_000);
    assert.equal(failureShare(outage), 1);
    assert.ok(
      failureShare(within(trace, 0, 600_000)) < 0.02,
      'failureShare(within(trace, 0, 600_000)) < 0.02',
    );
  });

  it('the noisy service fails 10 % of calls normally and all of them for 30 s', () => {
    const trace = generateTrace(scenarios.noisy, { seed: 9, rate: 100 });
    const normal = failureShare([...within(trace, 0, 240_000), ...within(trace, 270_000, 360_000)]);
    assert.ok(Math.abs(normal - 0.1) < 0.01, `normal ${normal}`);
    assert.equal(failureShare(within(trace, 240_000, 270_000)), 1);
  });

  it('scenario(name) finds one by name and suggests the closest for a typo', () => {
    assert.equal(scenario('noisy'), scenarios.noisy);
    assert.throws(() => scenario('spike60'), {
      name: 'RangeError',
      message: /^unknown scenario "spike60" \(did you mean spike-60\?\); known: spike-20, /,
    });
  });

  it('rejects a rate or a duration that is not a positive finite number', () => {
    assert.throws(
      () => generateTrace(scenarios.noisy, { seed: 1, rate: 0 }),
      /rate must be a number > 0, got 0/,
    );
    assert.throws(
      () => generateTrace(scenarios.noisy, { seed: 1, duration: Infinity }),
      /duration must be a finite number >= 0, got Infinity/,
    );
  });
});

describe('scenario library: closed-loop driver', () => {
  it('with nothing in front of it, every call reaches the dependency as in the open-loop trace', async () => {
    for (const name of ['noisy', 'overload'] as const) {
      const trace = generateTrace(scenarios[name], { seed: 21, duration: 200_000 });
      const report = await runScenario(scenarios[name], () => passThrough, {
        seed: 21,
        duration: 200_000,
      });
      assert.equal(report.calls, trace.length);
      assert.equal(report.admitted, trace.length);
      assert.equal(report.rejected, 0);
      assert.equal(report.falseRejections, 0);
      assert.equal(report.leaked, trace.filter((c) => c.outcome === 'failure').length, name);
      assert.equal(report.succeeded, trace.filter((c) => c.outcome === 'success').length, name);
    }
  });

  it('a policy that refuses everything rejects every success of the trace', async () => {
    const trace = generateTrace(scenarios['spike-60'], { seed: 5 });
    const report = await runScenario(scenarios['spike-60'], () => rejectAll, { seed: 5 });
    assert.equal(report.admitted, 0);
    assert.equal(report.leaked, 0);
    assert.equal(report.rejected, trace.length);
    assert.equal(report.falseRejections, trace.filter((c) => c.outcome === 'success').length);
    const first = arrivals(scenarios['spike-60'], { seed: 5 }).find((a) => a.time >= 180_000);
    assert.equal(report.faults[0]?.timeToDetect, (first?.time ?? NaN) - 180_000);
    assert.equal(report.faults[0].callsToDetect, 0);
  });

  it('runs a CircuitBreaker on the ManualClock, the same way every time', async () => {
    const run = () =>
      runScenario(scenarios['spike-100'], ({ clock }) => new CircuitBreaker({ clock }), {
        seed: 1,
      });
    const a = await run();
    assert.deepEqual(await run(), a);
    // The default rule trips after six consecutive failures (a seventh call was already on
    // its way), then waits 60 s, rejecting the 15 s of healthy traffic after the 45 s spike too.
    const [fault] = a.faults;
    assert.equal(fault?.callsToDetect, 7);
    const detectedAt = fault.detectedAt ?? NaN;
    assert.ok(detectedAt - 180_000 < 1_000, `detected after ${detectedAt - 180_000} ms`);
    // The last rejection falls in the last second before the 60 s open wait ends.
    const recoveredAt = fault.recoveredAt ?? NaN;
    const halfOpen = detectedAt + 60_000;
    assert.ok(
      recoveredAt <= halfOpen && recoveredAt > halfOpen - 1_000,
      `recovered at ${recoveredAt}`,
    );
    assert.ok(a.falseRejections > 250, `${a.falseRejections} false rejections`);
    assert.equal(a.admitted + a.rejected, a.calls);
    assert.equal(a.succeeded + a.leaked, a.admitted);
  });

  it('a breaker with a per-call timeout cuts slow calls on the same clock', async () => {
    const options = { seed: 2, duration: 240_000 };
    let cut = 0;
    await runScenario(
      scenarios['slow-dependency'],
      ({ clock }) => {
        const breaker = new CircuitBreaker({ clock, callTimeout: 500, readyToTrip: () => false });
        breaker.onCall((event) => {
          if (event.error instanceof CallTimeoutError) cut++;
        });
        return breaker;
      },
      options,
    );
    const trace = generateTrace(scenarios['slow-dependency'], options);
    assert.equal(cut, trace.filter((c) => c.duration > 500).length);
    assert.ok(cut > 600, `${cut} calls cut`);
  });
});
