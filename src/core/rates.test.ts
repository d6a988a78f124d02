// The rate rules with a window: failure rate and slow-call rate with minimumCalls, a rate equal to
// the threshold trips, slow means strictly longer, the default readyToTrip is off when a rate
// threshold is set while an explicit one still applies, and the windowed counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boom,
  breakerMaker,
  counts,
  excludedError,
  fail,
  succeed,
} from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { BreakerOptions } from './options.js';

// This file's breakers wait 1000 ms when open and exclude excludedError unless a test says
// otherwise.
const make = breakerMaker({ timeout: 1000, isExcluded: (e) => e === excludedError });

/** A call that takes exactly `ms` on the manual clock. */
async function timed(
  clock: ManualClock,
  b: CircuitBreaker,
  ms: number,
  outcome: 'success' | 'failure',
): Promise<void> {
  let settle!: () => void;
  const call = b.execute(
    () =>
      new Promise<string>((resolve, reject) => {
        settle = () => {
          if (outcome === 'success') resolve('ok');
          else reject(boom);
        };
      }),
  );
  clock.advance(ms);
  settle();
  await call.catch(() => undefined);
}

describe('failure rate', () => {
  it('trips when failures / calls reaches the threshold, not before minimumCalls', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 10 },
      failureRateThreshold: 50,
      minimumCalls: 4,
    });
    await fail(breaker);
    await fail(breaker);
    await fail(breaker);
    // 3 calls, 100 % failures, but below minimumCalls.
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.failureRate, -1);
    await succeed(breaker);
    // 3 / 4 = 75 % >= 50 %: the rates are checked after a success as well.
    assert.equal(breaker.state, 'open');
  });

  it('a rate exactly at the threshold trips; just below does not', async () => {
    const below = make({
      window: { kind: 'count', size: 3 },
      failureRateThreshold: 34,
      minimumCalls: 3,
    });
    await fail(below.breaker);
    await succeed(below.breaker);
    await succeed(below.breaker);
    assert.equal(below.breaker.state, 'closed'); // 33.3 % < 34 %
    assert.equal(below.breaker.failureRate, 1 / 3);

    // 1/3 is not exact in binary; the comparison must still treat 1/3 >= 100/3 % as equal.
    const at = make({
      window: { kind: 'count', size: 3 },
      failureRateThreshold: 100 / 3,
      minimumCalls: 3,
    });
    await fail(at.breaker);
    await succeed(at.breaker);
    await succeed(at.breaker);
    assert.equal(at.breaker.state, 'open');

    const half = make({
      window: { kind: 'count', size: 10 },
      failureRateThreshold: 50,
      minimumCalls: 10,
    });
    for (let i = 0; i < 5; i++) await succeed(half.breaker);
    for (let i = 0; i < 4; i++) await fail(half.breaker);
    assert.equal(half.breaker.state, 'closed');
    await fail(half.breaker); // 5 / 10 = 50 %
    assert.equal(half.breaker.state, 'open');
  });

  it('threshold 100 trips only when every call in the window failed', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 4 },
      failureRateThreshold: 100,
      minimumCalls: 4,
    });
    await succeed(breaker);
    for (let i = 0; i < 3; i++) await fail(breaker);
    assert.equal(breaker.state, 'closed');
    await fail(breaker); // the success slid out: 4 / 4
    assert.equal(breaker.state, 'open');
  });

  it('exclusions count in requests and totalExclusions, not in the rate nor minimumCalls', async () => {
    const { breaker } = make({
      window: { kind: 'time', size: 10_000, buckets: 10 },
      failureRateThreshold: 50,
      minimumCalls: 2,
    });
    await fail(breaker);
    for (let i = 0; i < 5; i++) await fail(breaker, excludedError);
    assert.equal(breaker.state, 'closed'); // 1 call of 2 needed
    assert.equal(breaker.failureRate, -1);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 6, totalFailures: 1, totalExclusions: 5, consecutiveFailures: 1 }),
    );
    await succeed(breaker); // 1 / 2 = 50 %
    assert.equal(breaker.state, 'open');
  });

  it('failureRate reads 0..1 over successes and failures in the window', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 4 },
      failureRateThreshold: 100,
      minimumCalls: 4,
    });
    assert.equal(breaker.failureRate, -1);
    await succeed(breaker);
    await succeed(breaker);
    await succeed(breaker);
    await fail(breaker);
    assert.equal(breaker.failureRate, 0.25);
    await fail(breaker, excludedError);
    // An exclusion takes no slot of a count window: the rate and minimumCalls are unchanged.
    assert.equal(breaker.failureRate, 0.25);
    assert.deepEqual(
      breaker.counts,
      counts({
        requests: 5,
        totalSuccesses: 3,
        totalFailures: 1,
        totalExclusions: 1,
        consecutiveFailures: 1,
      }),
    );
  });

  it('a burst of exclusions does not flush failures out of a count window', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 4 },
      failureRateThreshold: 50,
      minimumCalls: 4,
    });
    for (let i = 0; i < 3; i++) await fail(breaker);
    for (let i = 0; i < 100; i++) await fail(breaker, excludedError);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 103, totalFailures: 3, totalExclusions: 100, consecutiveFailures: 3 }),
    );
    await succeed(breaker); // 3 failures / 4 calls = 75 %
    assert.equal(breaker.state, 'open');
  });

  it('in a count window an exclusion leaves with the outcome recorded after it', async () => {
    const { breaker } = make({ window: { kind: 'count', size: 2 }, readyToTrip: () => false });
    await fail(breaker, excludedError); // before the first entry
    await succeed(breaker);
    await fail(breaker, excludedError);
    await fail(breaker, excludedError);
    await succeed(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 5, totalSuccesses: 2, totalExclusions: 3, consecutiveSuccesses: 2 }),
    );
    await fail(breaker); // evicts the first success and the exclusion before it
    assert.deepEqual(
      breaker.counts,
      counts({
        requests: 4,
        totalSuccesses: 1,
        totalFailures: 1,
        totalExclusions: 2,
        consecutiveFailures: 1,
      }),
    );
    await fail(breaker); // evicts the second success and the two exclusions before it
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalFailures: 2, consecutiveFailures: 2 }),
    );
  });
});

describe('slow-call rate', () => {
  const slowOptions: BreakerOptions = {
    window: { kind: 'count', size: 4 },
    slowCallDuration: 100,
    slowCallRateThreshold: 50,
    minimumCalls: 4,
  };

  it('a call is slow only when strictly longer than slowCallDuration', async () => {
    const { clock, breaker } = make(slowOptions);
    for (let i = 0; i < 4; i++) await timed(clock, breaker, 100, 'success');
    assert.equal(breaker.slowCallRate, 0);
    assert.equal(breaker.state, 'closed');
    await timed(clock, breaker, 101, 'success');
    assert.equal(breaker.slowCallRate, 0.25);
  });

  it('trips at the threshold, counting slow successes and slow failures alike', async () => {
    const { clock, breaker } = make(slowOptions);
    await timed(clock, breaker, 101, 'success');
    await timed(clock, breaker, 5, 'success');
    await timed(clock, breaker, 5, 'success');
    assert.equal(breaker.state, 'closed'); // 3 calls < minimumCalls
    assert.equal(breaker.slowCallRate, -1);
    await timed(clock, breaker, 250, 'failure'); // 2 slow / 4 = 50 %
    assert.equal(breaker.state, 'open');
  });

  it('in half-open a slow probe opens again; a fast one counts towards closing', async () => {
    const { clock, breaker } = make({ ...slowOptions, maxRequests: 2 });
    for (let i = 0; i < 4; i++) await timed(clock, breaker, 500, 'success');
    assert.equal(breaker.state, 'open');
    clock.advance(1000);
    await timed(clock, breaker, 10, 'success');
    assert.equal(breaker.state, 'half-open');
    await timed(clock, breaker, 101, 'success');
    assert.equal(breaker.state, 'open');
    clock.advance(1000);
    await timed(clock, breaker, 100, 'success');
    await timed(clock, breaker, 100, 'success');
    assert.equal(breaker.state, 'closed');
  });

  it('without slowCallRateThreshold a slow probe does not reopen', async () => {
    const { clock, breaker } = make({ slowCallDuration: 10 });
    for (let i = 0; i < 6; i++) await fail(breaker);
    clock.advance(1000);
    await timed(clock, breaker, 5000, 'success');
    assert.equal(breaker.state, 'closed');
  });

  it('slowCallRate is -1 without slowCallDuration', () => {
    const { breaker } = make({ window: { kind: 'count', size: 3 } });
    assert.equal(breaker.slowCallRate, -1);
  });
});

describe('readyToTrip with rate thresholds', () => {
  it('the default readyToTrip is off when a rate threshold is set', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 100 },
      failureRateThreshold: 50,
      minimumCalls: 100,
    });
    assert.equal(breaker.settings.readyToTrip, undefined);
    for (let i = 0; i < 50; i++) await fail(breaker);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.counts.consecutiveFailures, 50);
  });

  it('the default readyToTrip is off with only a slow-call threshold too', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 100 },
      slowCallDuration: 1000,
      slowCallRateThreshold: 50,
      minimumCalls: 100,
    });
    for (let i = 0; i < 20; i++) await fail(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('an explicit readyToTrip still applies, alongside the rate rule', async () => {
    const { breaker } = make({
      window: { kind: 'count', size: 100 },
      failureRateThreshold: 50,
      minimumCalls: 100,
      readyToTrip: (c) => c.consecutiveFailures >= 3,
    });
    await fail(breaker);
    await fail(breaker);
    assert.equal(breaker.state, 'closed');
    await fail(breaker);
    assert.equal(breaker.state, 'open');

    const rate = make({
      window: { kind: 'count', size: 4 },
      failureRateThreshold: 50,
      minimumCalls: 4,
      readyToTrip: () => false,
    });
    await succeed(rate.breaker);
    await succeed(rate.breaker);
    await fail(rate.breaker);
    await fail(rate.breaker);
    assert.equal(rate.breaker.state, 'open');
  });

  it('with a window and no threshold, the default readyToTrip still trips', async () => {
    const { breaker } = make({ window: { kind: 'count', size: 3 } });
    for (let i = 0; i < 6; i++) await fail(breaker);
    assert.equal(breaker.state, 'open');
  });
});

describe('windowed counts', () => {
  it('requests and totals are those of the window; consecutive counts are not windowed', async () => {
    const { breaker } = make({ window: { kind: 'count', size: 3 }, readyToTrip: () => false });
    for (let i = 0; i < 5; i++) await fail(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 3, totalFailures: 3, consecutiveFailures: 5 }),
    );
    await succeed(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 3, totalSuccesses: 1, totalFailures: 2, consecutiveSuccesses: 1 }),
    );
  });

  it('a call still running is not in the window yet', async () => {
    const { breaker } = make({ window: { kind: 'count', size: 10 } });
    let release!: (v: string) => void;
    const call = breaker.execute(() => new Promise<string>((r) => (release = r)));
    assert.deepEqual(breaker.counts, counts());
    release('x');
    await call;
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
  });

  it('a time window forgets old calls and the rate with them', async () => {
    const { clock, breaker } = make({
      window: { kind: 'time', size: 10_000, buckets: 10 },
      failureRateThreshold: 50,
      minimumCalls: 4,
    });
    await fail(breaker);
    await fail(breaker);
    await fail(breaker);
    clock.advance(10_000); // the three failures are out of the window now
    assert.deepEqual(breaker.counts, counts({ consecutiveFailures: 3 }));
    await succeed(breaker);
    await succeed(breaker);
    await succeed(breaker);
    await fail(breaker);
    assert.equal(breaker.state, 'closed'); // 1 / 4 < 50 %
  });

  it('the window is cleared on every state change and on interval resets', async () => {
    const { clock, breaker } = make({
      window: { kind: 'count', size: 10 },
      interval: 5000,
      failureRateThreshold: 50,
      minimumCalls: 2,
    });
    await succeed(breaker);
    clock.advance(5000);
    assert.deepEqual(breaker.counts, counts());
    await fail(breaker);
    assert.equal(breaker.state, 'closed'); // 1 call: the old success is gone with the interval
    await fail(breaker);
    assert.equal(breaker.state, 'open');
    clock.advance(1000);
    assert.deepEqual(breaker.counts, counts());
  });
});
