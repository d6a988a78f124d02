import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import type { StateChangeEvent } from '../core/events.js';
import { normalQuantile, wilsonLowerBound } from '../core/rules.js';
import { ManualClock } from '../testing/manual-clock.js';
import { baselineRule, type BaselineRule } from './index.js';

const context = { now: 0, counts: {} as never, window: undefined };
const Z = normalQuantile(0.9999);

/** Feeds `outcomes` ('s' success, 'f' failure) one every `gap` ms from `start`; returns the trip results. */
function feed(rule: BaselineRule, outcomes: string, start: number, gap = 50): boolean[] {
  return Array.from(outcomes, (o, i) => {
    rule.observe(o === 'f' ? 'failure' : 'success', false, 40, start + i * gap);
    return rule.shouldTrip(context);
  });
}

describe('baselineRule', () => {
  it('with a clean baseline, four failures in a row trip and three do not', () => {
    const rule = baselineRule({ initialBaseline: 0, priorCalls: 0 });
    assert.deepEqual(feed(rule, 's'.repeat(200), 0), Array<boolean>(200).fill(false));
    assert.equal(rule.baseline, 0);
    assert.equal(rule.threshold, 0.2);
    assert.deepEqual(feed(rule, 'fff', 10_000), [false, false, false]);
    assert.equal(rule.bound, wilsonLowerBound(3, 3, Z));
    assert.ok(rule.bound < 0.2, `3 of 3: ${rule.bound}`);
    assert.deepEqual(feed(rule, 'f', 10_150), [true]);
    assert.equal(rule.bound, wilsonLowerBound(4, 4, Z));
  });

  it('learns a noisy normal: at 10 % it needs six failures in a row, not five', () => {
    const rule = baselineRule();
    // 1 failure in 10, for 10 minutes at 20 calls/s.
    const normal = 'sssssssssf'.repeat(1_200);
    assert.ok(!feed(rule, normal, 0).includes(true), 'never trips on its normal noise');
    assert.ok(Math.abs(rule.baseline - 0.1) < 0.01, `baseline ${rule.baseline}`);
    assert.deepEqual(feed(rule, 'sssssfffff', 600_000), Array<boolean>(10).fill(false));
    assert.deepEqual(feed(rule, 'f', 600_500), [true]);
    assert.equal(rule.bound, wilsonLowerBound(6, 6, Z));
  });

  it('the baseline is the exponentially weighted failure share, starting from the prior', () => {
    const rule = baselineRule({ initialBaseline: 0.05, priorCalls: 20, horizon: 1_000 });
    assert.equal(rule.baseline, 0.05);
    rule.observe('success', false, 40, 0);
    // No time passed: the prior (1 failure in 20) plus one success.
    assert.equal(rule.baseline, 1 / 21);
    rule.observe('success', false, 40, 1_000);
    const decay = Math.exp(-1);
    assert.equal(rule.baseline, (decay * 1) / (decay * 21 + 1));
    assert.equal(rule.latency, 40);
  });

  it('learns nothing while the recent rate is above normal, and caps the baseline', () => {
    const rule = baselineRule({
      initialBaseline: 0,
      priorCalls: 10,
      margin: 0.9,
    });
    feed(rule, 'f'.repeat(50), 0, 0);
    // The shortest stretch is 3 calls: the first two failures were learned (2 in 12), and from
    // the third on the bound was above the baseline.
    assert.equal(rule.baseline, 2 / 12);
    const capped = baselineRule({ initialBaseline: 0.9, maxBaseline: 0.3 });
    assert.equal(capped.baseline, 0.3);
  });

  it('in a breaker: trips as rule "baseline", then the failures that tripped it are forgotten', async () => {
    const clock = new ManualClock();
    const rule = baselineRule({ initialBaseline: 0, priorCalls: 0 });
    const breaker = new CircuitBreaker({
      clock,
      readyToTrip: () => false,
      rules: [rule],
      timeout: 1_000,
    });
    const events: StateChangeEvent[] = [];
    breaker.onTransition((e) => events.push(e));
    const fail = (): Promise<unknown> =>
      breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    const succeed = (): Promise<unknown> => breaker.execute(() => 'ok');
    for (let i = 0; i < 20; i++) await succeed();
    for (let i = 0; i < 3; i++) await fail();
    assert.equal(breaker.state, 'closed');
    await fail();
    assert.equal(breaker.state, 'open');
    assert.equal(events[0]?.rule, 'baseline');
    clock.advance(1_000);
    await succeed();
    assert.equal(breaker.state, 'closed');
    // One more failure alone does not trip again.
    await fail();
    assert.equal(breaker.state, 'closed');
  });

  it('openWait counts calls: probeCalls * probeGrowth^(opens - 1) at the learned rate, within bounds', () => {
    const busy = baselineRule();
    feed(busy, 's'.repeat(1_200), 0, 50); // 20 calls/s for a minute
    assert.ok(Math.abs(busy.callRate - 20) < 0.5, `rate ${busy.callRate}`);
    assert.equal(busy.openWait(1), 500); // 8 calls = 400 ms, below minWait
    assert.ok(Math.abs(busy.openWait(4) - (8 * 1.5 ** 3 * 1000) / busy.callRate) < 1e-9, 'opens 4');
    const quiet = baselineRule({ maxWait: 30_000 });
    feed(quiet, 's'.repeat(60), 0, 1_000); // 1 call/s
    assert.ok(Math.abs(quiet.openWait(1) - 8_000 / quiet.callRate) < 1e-9, 'quiet opens 1');
    assert.equal(quiet.openWait(10), 30_000);
    assert.equal(baselineRule().openWait(1), 60_000, 'no traffic seen: the longest wait');
  });

  it('partial opening: a growing share while the recent rate stays above the threshold', () => {
    assert.equal(baselineRule().rejectionShare, undefined);
    const rule = baselineRule({ partial: true, margin: 0.5, initialBaseline: 0, priorCalls: 1e6 });
    const share = rule.rejectionShare;
    assert.ok(share, 'defined with partial');
    // 60 % failures spread out: above baseline + margin = 0.5, and each bound is below it.
    feed(rule, 'ffsfsfsffs'.repeat(10), 0, 100);
    const first = share(10_000);
    const later = share(12_000);
    assert.equal(first, 0);
    // Two 1 s steps at a recent rate of 0.6: error e = 0.6 - threshold, P1 = e, then
    // P2 = e - (1 - e) * share1, with share = share + P + 0.2 * (sum of P).
    const e = 0.6 - rule.threshold;
    const share1 = e + 0.2 * e;
    const p2 = e - (1 - e) * share1;
    assert.ok(Math.abs(later - (share1 + p2 + 0.2 * (e + p2))) < 1e-12, `share ${later}`);
    assert.equal(rule.share, later);
  });

  it('validates its options, naming the option and the value', () => {
    assert.throws(() => baselineRule({ margin: 2 }), {
      name: 'RangeError',
      message: 'baselineRule option margin must be a number >= 0 and <= 1, got 2',
    });
    assert.throws(
      () => baselineRule({ confidence: 1 }),
      /option confidence must be a number > 0 and <= 0.999999, got 1/,
    );
    assert.throws(() => baselineRule({ recentCall: 5 } as never), {
      message: 'unknown baselineRule option recentCall (did you mean recentCalls?)',
    });
    assert.throws(() => baselineRule({ partial: 'yes' } as never), {
      name: 'TypeError',
      message: 'baselineRule option partial must be a boolean, got yes',
    });
  });
});
