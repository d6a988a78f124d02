// Pluggable trip rules (option `rules`), the `rule` of a 'tripped' event, partial opening by
// `rejectionShare` drawn with `random`, and the `confidence` option (one-sided Wilson bound).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  breakerMaker,
  counts,
  fail,
  recordCalls,
  recordTransitions,
  succeed,
} from '../../test/fixtures/core/support.js';
import { BreakerOpenError } from './errors.js';
import { normalQuantile, wilsonLowerBound, type TripRule, type TripRuleContext } from './rules.js';

const make = breakerMaker({ timeout: 1000 });

describe('trip rules', () => {
  it('names the built-in rule that tripped', async () => {
    const consecutive = make();
    const events = recordTransitions(consecutive.breaker);
    for (let i = 0; i < 6; i++) await fail(consecutive.breaker);
    assert.equal(events[0]?.rule, 'consecutive');

    const rate = make({ window: { kind: 'count', size: 4 }, failureRateThreshold: 50 });
    const rateEvents = recordTransitions(rate.breaker);
    await succeed(rate.breaker);
    await fail(rate.breaker);
    assert.equal(rateEvents[0]?.rule, 'failure-rate');

    const slow = make({
      window: { kind: 'count', size: 4 },
      slowCallDuration: 10,
      slowCallRateThreshold: 100,
    });
    const slowEvents = recordTransitions(slow.breaker);
    await slow.breaker.execute(() => {
      slow.clock.advance(11);
      return Promise.resolve('slow');
    });
    assert.equal(slowEvents[0]?.rule, 'slow-call-rate');
    rate.clock.advance(1000);
    await succeed(rate.breaker);
    assert.equal(rateEvents.at(-1)?.reason, 'probes-succeeded');
    assert.equal(rateEvents.at(-1)?.rule, undefined, 'only a trip names a rule');
  });

  it('a custom rule sees every closed outcome, then trips with its name', async () => {
    const observed: string[] = [];
    const contexts: TripRuleContext[] = [];
    const rule: TripRule = {
      name: 'two-failures',
      observe: (outcome, slow, duration, now) =>
        observed.push(`${outcome}:${slow}:${duration}:${now}`),
      shouldTrip: (context) => {
        contexts.push(context);
        return context.counts.totalFailures >= 2;
      },
    };
    const { clock, breaker } = make({ rules: [rule], slowCallDuration: 5 });
    const start = clock.now();
    const events = recordTransitions(breaker);
    await breaker.execute(() => {
      clock.advance(7);
      return 'ok';
    });
    await fail(breaker);
    assert.equal(breaker.state, 'closed');
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('x'))));
    assert.equal(breaker.state, 'open');
    assert.equal(events[0]?.rule, 'two-failures');
    assert.equal(events[0].reason, 'tripped');
    assert.deepEqual(observed, [
      `success:true:7:${start + 7}`,
      `failure:false:0:${start + 7}`,
      `failure:false:0:${start + 7}`,
    ]);
    assert.equal(contexts.length, 3);
    assert.equal(contexts[2]?.now, start + 7);
    assert.equal(contexts[2].window, undefined);
    assert.equal(contexts[1]?.counts.totalFailures, 1);
    // Not asked in open state.
    await assert.rejects(succeed(breaker), BreakerOpenError);
    assert.equal(contexts.length, 3);
  });

  it('a custom rule sees the window totals and is asked after exclusions too', async () => {
    const skip = new Error('skip');
    const contexts: TripRuleContext[] = [];
    const { breaker } = make({
      window: { kind: 'count', size: 3 },
      isExcluded: (e) => e === skip,
      rules: [{ name: 'watch', shouldTrip: (c) => (contexts.push(c), false) }],
    });
    await fail(breaker);
    await assert.rejects(breaker.execute(() => Promise.reject(skip)));
    assert.equal(contexts.length, 2);
    assert.deepEqual(contexts[1]?.window, { calls: 1, failures: 1, slow: 0 });
    assert.equal(contexts[1].counts.totalExclusions, 1);
  });

  it('rules are OR-ed with the built-in rules, and the built-in one is named first', async () => {
    const { breaker } = make({ rules: [{ name: 'never', shouldTrip: () => false }] });
    const events = recordTransitions(breaker);
    for (let i = 0; i < 6; i++) await fail(breaker);
    assert.equal(events[0]?.rule, 'consecutive');
  });

  it('a rule that throws is reported and does not trip', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const { breaker } = make({
        rules: [
          {
            name: 'broken',
            observe: () => {
              throw new Error('observe broke');
            },
            shouldTrip: () => {
              throw new Error('shouldTrip broke');
            },
          },
        ],
      });
      await fail(breaker);
      assert.equal(breaker.state, 'closed');
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(warnings.some((m) => m.includes('rule broken observe threw')));
      assert.ok(warnings.some((m) => m.includes('rule broken shouldTrip threw')));
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejectionShare rejects that share of closed calls, drawn with `random`', async () => {
    const draws = [0.1, 0.5, 0.29, 0.3, 0.99];
    let share = 0.3;
    const { breaker } = make({
      random: () => draws.shift() ?? 0.999,
      rules: [{ name: 'partial', shouldTrip: () => false, rejectionShare: () => share }],
    });
    const calls = recordCalls(breaker);
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await breaker.tryExecute(() => 'ran');
      results.push(
        r.ok
          ? r.value
          : r.error instanceof BreakerOpenError
            ? `open:${r.error.retryAfter}`
            : 'other',
      );
    }
    assert.deepEqual(results, ['open:0', 'ran', 'open:0', 'ran', 'ran']);
    const rejected = calls.filter((c) => c.outcome === 'rejected');
    assert.equal(rejected.length, 2);
    assert.equal(rejected[0]?.reason, 'open');
    assert.equal(rejected[0].state, 'closed');
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.counts.requests, 3, 'a shed call is not a request');
    share = 1;
    await assert.rejects(
      succeed(breaker),
      (e) => e instanceof BreakerOpenError && e.retryAfter === 0,
    );
    assert.throws(() => breaker.allow(), BreakerOpenError);
    assert.equal(breaker.callsInFlight, 0);
  });

  it('rejects bad rules and a bad random naming the option', () => {
    assert.throws(() => make({ rules: {} as never }), /breaker option rules must be an array/);
    assert.throws(() => make({ rules: [null as never] }), /rules\[0\] must be a trip rule object/);
    assert.throws(
      () => make({ rules: [{ name: 1, shouldTrip: () => false } as never] }),
      /rules\[0\]\.name must be a string, got 1/,
    );
    assert.throws(
      () => make({ rules: [{ name: 'a' } as never] }),
      /rules\[0\]\.shouldTrip must be a function, got undefined/,
    );
    assert.throws(
      () => make({ rules: [{ name: 'a', shouldTrip: () => false, observe: 3 } as never] }),
      /rules\[0\]\.observe must be a function, got 3/,
    );
    assert.throws(() => make({ random: 0.5 as never }), /breaker option random must be a function/);
  });
});

describe('confidence', () => {
  it('z of 0.95 is the one-sided normal quantile 1.6449', () => {
    assert.ok(Math.abs(normalQuantile(0.95) - 1.6448536) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.5)) < 1e-9);
    assert.ok(Math.abs(normalQuantile(0.999) - 3.0902323) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.3263479) < 1e-6);
  });

  it('the four reference cases of API.md at threshold 50 and confidence 0.95', async () => {
    const z = normalQuantile(0.95);
    assert.equal(wilsonLowerBound(3, 3, z).toFixed(3), '0.526');
    assert.equal(wilsonLowerBound(2, 2, z).toFixed(3), '0.425');
    assert.equal(wilsonLowerBound(6, 10, z).toFixed(3), '0.352');
    assert.equal(wilsonLowerBound(9, 10, z).toFixed(3), '0.652');
    const cases: [failures: number, calls: number, trips: boolean][] = [
      [3, 3, true],
      [2, 2, false],
      [6, 10, false],
      [9, 10, true],
    ];
    for (const [failures, calls, trips] of cases) {
      // The window holds the first calls - 1 outcomes already (a prefix of a live sequence
      // would have tripped earlier, at 8 of 9 say); the last call is a failure.
      const data = [
        ...Array<number>(calls - failures).fill(0),
        ...Array<number>(failures - 1).fill(1),
      ];
      const { breaker } = make({
        window: { kind: 'count', size: 100 },
        failureRateThreshold: 50,
        confidence: 0.95,
        readyToTrip: () => false,
        initialState: {
          state: 'closed',
          counts: counts(),
          window: { kind: 'count', data },
        } as never,
      });
      assert.equal(breaker.state, 'closed');
      await fail(breaker);
      assert.equal(breaker.state, trips ? 'open' : 'closed', `${failures} of ${calls}`);
    }
    // Without confidence, 2 of 2 trips at 50 (the observed rate is compared).
    const plain = make({ window: { kind: 'count', size: 100 }, failureRateThreshold: 50 });
    await fail(plain.breaker);
    assert.equal(plain.breaker.state, 'open');
  });

  it('applies to the slow-call rate, and minimumCalls still floors it', async () => {
    const { clock, breaker } = make({
      window: { kind: 'count', size: 100 },
      slowCallDuration: 10,
      slowCallRateThreshold: 50,
      confidence: 0.95,
      minimumCalls: 4,
    });
    const events = recordTransitions(breaker);
    const slowCall = (): Promise<string> =>
      breaker.execute(() => {
        clock.advance(11);
        return 'ok';
      });
    for (let i = 0; i < 3; i++) await slowCall();
    assert.equal(breaker.state, 'closed', '3 of 3 would trip, but minimumCalls is 4');
    await slowCall();
    assert.equal(breaker.state, 'open');
    assert.equal(events[0]?.rule, 'slow-call-rate');
  });

  it('is validated: range, needs a window, needs a rate threshold', () => {
    const window = { kind: 'count', size: 10 } as const;
    assert.throws(
      () => make({ window, failureRateThreshold: 50, confidence: 1 }),
      (e) => e instanceof RangeError && /confidence must be in \(0, 1\), got 1/.test(e.message),
    );
    assert.throws(
      () => make({ window, failureRateThreshold: 50, confidence: 0 }),
      /confidence must be in \(0, 1\), got 0/,
    );
    assert.throws(
      () => make({ confidence: 0.9 }),
      (e) => e instanceof TypeError && /confidence needs a window/.test(e.message),
    );
    assert.throws(
      () => make({ window, confidence: 0.9 }),
      (e) =>
        e instanceof TypeError &&
        /confidence needs failureRateThreshold or slowCallRateThreshold/.test(e.message),
    );
  });
});
