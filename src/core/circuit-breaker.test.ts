// The rules of shared/API.md for the core state machine: defaults and coercions, counts after
// every step, inclusive deadlines, half-open admissions, exclusions and isSuccessful. Time comes
// from a ManualClock that starts far from 0, so a transition stamped with a wrong time (0, say)
// shows up as a wrong deadline instead of hiding behind a clock that happens to start at 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  T0,
  boom,
  counts,
  deferred,
  fail,
  makeBreaker,
  succeed,
} from '../../test/fixtures/core/support.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { systemClock } from './clock.js';
import { BreakerOpenError, TooManyRequestsError } from './errors.js';
import { defaultReadyToTrip } from './options.js';
import type { CircuitState, Counts } from './types.js';

/** Trips a breaker with the default readyToTrip (six consecutive failures). */
async function tripDefault(b: CircuitBreaker): Promise<void> {
  for (let i = 0; i < 6; i++) await fail(b);
  assert.equal(b.state, 'open');
}

describe('defaults and coercions', () => {
  it('resolves the documented defaults', () => {
    const b = new CircuitBreaker();
    const s = b.settings;
    assert.equal(b.name, '');
    assert.equal(s.maxRequests, 1);
    assert.equal(s.interval, 0);
    assert.equal(s.timeout, 60_000);
    assert.equal(s.readyToTrip, defaultReadyToTrip);
    assert.equal(s.isSuccessful, undefined);
    assert.equal(s.isExcluded, undefined);
    assert.equal(s.window, undefined);
    assert.equal(s.minimumCalls, 1);
    assert.equal(s.callTimeout, undefined);
    assert.equal(s.halfOpenTimeout, 60_000);
    assert.equal(s.clock, systemClock);
    assert.equal(b.state, 'closed');
    assert.deepEqual(b.counts, counts());
    assert.equal(b.forcedState, null);
    assert.equal(b.retryAfter, 0);
  });

  it('the default readyToTrip trips on more than five consecutive failures', async () => {
    const { breaker } = makeBreaker();
    for (let i = 1; i <= 5; i++) {
      await fail(breaker);
      assert.deepEqual(
        breaker.counts,
        counts({ requests: i, totalFailures: i, consecutiveFailures: i }),
      );
    }
    assert.equal(breaker.state, 'closed');
    await fail(breaker);
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, counts());
  });

  it('maxRequests below 1 becomes 1 (0 and negatives)', async () => {
    for (const maxRequests of [0, -3]) {
      const { clock, breaker } = makeBreaker({ maxRequests, timeout: 1000 });
      assert.equal(breaker.settings.maxRequests, 1);
      await tripDefault(breaker);
      clock.advance(1000);
      const probe = deferred();
      const first = breaker.execute(() => probe.promise);
      await assert.rejects(
        breaker.execute(() => 'x'),
        TooManyRequestsError,
      );
      probe.resolve('done');
      assert.equal(await first, 'done');
      // One success is maxRequests (1) consecutive successes: closed.
      assert.equal(breaker.state, 'closed');
    }
  });

  it('interval <= 0 never clears the counts', async () => {
    for (const interval of [0, -30_000]) {
      const { clock, breaker } = makeBreaker({ interval });
      assert.equal(breaker.settings.interval, 0);
      await succeed(breaker);
      await fail(breaker);
      clock.advance(365 * 24 * 3600 * 1000);
      assert.deepEqual(
        breaker.counts,
        counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveFailures: 1 }),
      );
    }
  });

  it('timeout <= 0 becomes 60000', async () => {
    for (const timeout of [0, -90_000]) {
      const { clock, breaker } = makeBreaker({ timeout });
      assert.equal(breaker.settings.timeout, 60_000);
      await tripDefault(breaker);
      assert.equal(breaker.retryAfter, 60_000);
      clock.advance(59_999);
      assert.equal(breaker.state, 'open');
      clock.advance(1);
      assert.equal(breaker.state, 'half-open');
    }
  });

  it('a breaker without options keeps its name in errors', async () => {
    const { breaker } = makeBreaker({ name: 'payments' });
    await tripDefault(breaker);
    const error = await breaker.execute(() => 1).catch((e: unknown) => e);
    assert.ok(error instanceof BreakerOpenError);
    assert.equal(error.breakerName, 'payments');
  });
});

describe('counts', () => {
  it('requests count at admission; totals and consecutive counts at the outcome', async () => {
    const { breaker } = makeBreaker();
    const pending = deferred();
    const call = breaker.execute(() => pending.promise);
    assert.deepEqual(breaker.counts, counts({ requests: 1 }));
    await succeed(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
    pending.reject(boom);
    await assert.rejects(call, (e) => e === boom);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('counts is a copy', async () => {
    const { breaker } = makeBreaker();
    await succeed(breaker);
    const copy = breaker.counts;
    copy.requests = 99;
    assert.equal(breaker.counts.requests, 1);
  });

  it('a synchronous throw from fn is recorded like a rejection', async () => {
    const { breaker } = makeBreaker();
    await assert.rejects(
      breaker.execute(() => {
        throw boom;
      }),
      (e) => e === boom,
    );
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('a synchronous value is a success, and execute returns a promise of it', async () => {
    const { breaker } = makeBreaker();
    const result = breaker.execute(() => 42);
    assert.ok(result instanceof Promise);
    assert.equal(await result, 42);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
  });

  it('execute never throws, even when open: the rejection comes through the promise', async () => {
    const { breaker } = makeBreaker();
    await tripDefault(breaker);
    let ran = false;
    let result: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      result = breaker.execute(() => {
        ran = true;
      });
    });
    await assert.rejects(result as Promise<unknown>, BreakerOpenError);
    assert.equal(ran, false);
  });

  it('counts are cleared on every state change', async () => {
    const { clock, breaker } = makeBreaker({ timeout: 1000, maxRequests: 2 });
    await succeed(breaker);
    for (let i = 0; i < 6; i++) await fail(breaker);
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, counts());
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(breaker.counts, counts());
    await succeed(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
  });
});

describe('inclusive deadlines', () => {
  it('turns half-open at exactly openedAt + timeout, not a millisecond before', async () => {
    const { clock, breaker } = makeBreaker({ timeout: 5000 });
    clock.advance(123);
    await tripDefault(breaker);
    const openedAt = T0 + 123;
    assert.equal(breaker.toJSON().openedAt, openedAt);
    assert.equal(breaker.retryAfter, 5000);
    clock.set(openedAt + 4999);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, 1);
    await assert.rejects(
      breaker.execute(() => 1),
      BreakerOpenError,
    );
    clock.set(openedAt + 5000);
    assert.equal(breaker.retryAfter, 0);
    assert.equal(breaker.state, 'half-open');
  });

  it('an execute at exactly the deadline is admitted as a probe', async () => {
    const { clock, breaker } = makeBreaker({ timeout: 5000 });
    await tripDefault(breaker);
    clock.advance(5000);
    // No getter read first: the call itself applies the elapsed time.
    assert.equal(await breaker.execute(() => 'probe'), 'probe');
    assert.equal(breaker.state, 'closed');
  });

  it('clears the counts at exactly start + interval', async () => {
    const { clock, breaker } = makeBreaker({ interval: 1000 });
    clock.advance(999);
    await succeed(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
    clock.advance(1);
    assert.deepEqual(breaker.counts, counts());
    assert.equal(breaker.toJSON().generationStart, T0 + 1000);
  });

  it('after several intervals, clears once and stays aligned to the original start', async () => {
    const { clock, breaker } = makeBreaker({ interval: 1000 });
    clock.advance(500);
    await fail(breaker);
    clock.advance(3000); // T0 + 3500: three and a half intervals later
    assert.deepEqual(breaker.counts, counts());
    assert.equal(breaker.toJSON().generationStart, T0 + 3000);
    await fail(breaker);
    clock.set(T0 + 3999);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
    clock.set(T0 + 4000);
    assert.deepEqual(breaker.counts, counts());
  });

  it('an execute at exactly the interval boundary counts in the new generation', async () => {
    const { clock, breaker } = makeBreaker({ interval: 1000 });
    await fail(breaker);
    await fail(breaker);
    clock.advance(1000);
    await fail(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('reset() starts a new closed generation: the next clear is reset time + interval', async () => {
    const { clock, breaker } = makeBreaker({ interval: 1000 });
    clock.advance(400);
    breaker.reset();
    await succeed(breaker);
    clock.set(T0 + 1399);
    assert.equal(breaker.counts.requests, 1);
    clock.set(T0 + 1400);
    assert.equal(breaker.counts.requests, 0);
  });

  it('entering closed from half-open starts a generation at that moment', async () => {
    const { clock, breaker } = makeBreaker({ interval: 10_000, timeout: 1000 });
    await tripDefault(breaker);
    clock.advance(1000);
    clock.advance(250);
    await succeed(breaker); // closes at T0 + 1250
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.toJSON().generationStart, T0 + 1250);
    await fail(breaker);
    clock.set(T0 + 11_249);
    assert.equal(breaker.counts.totalFailures, 1);
    clock.set(T0 + 11_250);
    assert.equal(breaker.counts.totalFailures, 0);
  });

  it('the open wait is measured from the trip, however late the state is read', async () => {
    const { clock, breaker } = makeBreaker({ timeout: 1000, maxRequests: 2 });
    await tripDefault(breaker);
    const events: { from: CircuitState; to: CircuitState; at: number }[] = [];
    breaker.onTransition((e) => events.push({ from: e.from, to: e.to, at: e.at }));
    clock.advance(7777);
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(events, [{ from: 'open', to: 'half-open', at: T0 + 1000 }]);
  });
});

describe('half-open admissions', () => {
  it('ten calls in one tick with maxRequests 3 run fn exactly three times', async () => {
    const { clock, breaker } = makeBreaker({ maxRequests: 3, timeout: 1000 });
    await tripDefault(breaker);
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    let runs = 0;
    const gate = deferred<number>();
    const calls = Array.from({ length: 10 }, () =>
      breaker.execute(() => {
        runs++;
        return gate.promise;
      }),
    );
    assert.equal(runs, 3);
    gate.resolve(7);
    const results = await Promise.allSettled(calls);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', ...Array<string>(7).fill('rejected')],
    );
    for (const r of results.slice(3)) {
      assert.ok(r.status === 'rejected' && r.reason instanceof TooManyRequestsError);
    }
    assert.equal(runs, 3);
    assert.equal(breaker.state, 'closed');
  });

  it('the cap is per episode: two probes done and one in flight still reject a fourth', async () => {
    const { clock, breaker } = makeBreaker({ maxRequests: 3, timeout: 1000 });
    await tripDefault(breaker);
    clock.advance(1000);
    await succeed(breaker);
    await succeed(breaker);
    const third = deferred();
    const inFlight = breaker.execute(() => third.promise);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 3, totalSuccesses: 2, consecutiveSuccesses: 2 }),
    );
    await assert.rejects(succeed(breaker), TooManyRequestsError);
    third.resolve('x');
    await inFlight;
    assert.equal(breaker.state, 'closed');
  });

  it('any failure in half-open opens again, and the open wait starts then', async () => {
    const { clock, breaker } = makeBreaker({ maxRequests: 20, timeout: 1000 });
    await tripDefault(breaker);
    clock.advance(1000);
    await succeed(breaker);
    clock.advance(10);
    await fail(breaker);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.toJSON().openedAt, T0 + 1010);
    assert.equal(breaker.retryAfter, 1000);
    clock.advance(1000);
    for (let i = 0; i < 19; i++) await succeed(breaker);
    assert.equal(breaker.state, 'half-open');
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('rejections while open are BreakerOpenError with retryAfter, never running fn', async () => {
    const { clock, breaker } = makeBreaker({ timeout: 10_000 });
    await tripDefault(breaker);
    clock.advance(2500);
    let ran = 0;
    const error = await breaker
      .execute(() => {
        ran++;
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof BreakerOpenError);
    assert.equal(error.retryAfter, 7500);
    assert.equal(ran, 0);
    assert.deepEqual(breaker.counts, counts());
  });

  it('opens, half-opens and closes again over many cycles (no stuck episode flag)', async () => {
    const { clock, breaker } = makeBreaker({ timeout: 1000 });
    for (let cycle = 0; cycle < 3; cycle++) {
      await tripDefault(breaker);
      clock.advance(1000);
      await fail(breaker);
      assert.equal(breaker.state, 'open');
      clock.advance(1000);
      await succeed(breaker);
      assert.equal(breaker.state, 'closed');
    }
  });
});

describe('isExcluded and isSuccessful', () => {
  const excludedError = new Error('excluded');
  const isExcluded = (e: unknown): boolean => e === excludedError;

  it('an excluded outcome counts in requests and totalExclusions only', async () => {
    const { breaker } = makeBreaker({ isExcluded });
    await fail(breaker);
    await fail(breaker, excludedError);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalFailures: 1, totalExclusions: 1, consecutiveFailures: 1 }),
    );
    await succeed(breaker);
    await fail(breaker, excludedError);
    assert.deepEqual(
      breaker.counts,
      counts({
        requests: 4,
        totalSuccesses: 1,
        totalFailures: 1,
        totalExclusions: 2,
        consecutiveSuccesses: 1,
      }),
    );
  });

  it('exclusions neither trip nor break a run of consecutive failures', async () => {
    const { breaker } = makeBreaker({ isExcluded });
    for (let i = 0; i < 5; i++) await fail(breaker);
    for (let i = 0; i < 10; i++) await fail(breaker, excludedError);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.counts.consecutiveFailures, 5);
    await fail(breaker);
    assert.equal(breaker.state, 'open');
  });

  it('isExcluded is asked before isSuccessful', async () => {
    const seen: string[] = [];
    const { breaker } = makeBreaker({
      isExcluded: (e) => {
        seen.push('isExcluded');
        return e === excludedError;
      },
      isSuccessful: () => {
        seen.push('isSuccessful');
        return true;
      },
    });
    await fail(breaker, excludedError);
    assert.deepEqual(seen, ['isExcluded']);
    await fail(breaker);
    assert.deepEqual(seen, ['isExcluded', 'isExcluded', 'isSuccessful']);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalSuccesses: 1, totalExclusions: 1, consecutiveSuccesses: 1 }),
    );
  });

  it('isSuccessful true records a success, and the caller still gets the error', async () => {
    const { breaker } = makeBreaker({ isSuccessful: () => true });
    for (let i = 0; i < 10; i++) await fail(breaker);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 10, totalSuccesses: 10, consecutiveSuccesses: 10 }),
    );
  });

  it('isSuccessful is called with what fn threw', async () => {
    const seen: unknown[] = [];
    const { breaker } = makeBreaker({
      isSuccessful: (e) => {
        seen.push(e);
        return false;
      },
    });
    await fail(breaker);
    await succeed(breaker); // not asked for a value
    assert.deepEqual(seen, [boom]);
  });

  it('in half-open an exclusion gives its admission back', async () => {
    const { clock, breaker } = makeBreaker({ isExcluded, maxRequests: 1, timeout: 1000 });
    await tripDefault(breaker);
    clock.advance(1000);
    // 1000 excluded probes in a row never leave the breaker stuck without a slot.
    for (let i = 0; i < 1000; i++) await fail(breaker, excludedError);
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(breaker.counts, counts({ requests: 1000, totalExclusions: 1000 }));
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('in half-open an in-flight excluded probe frees its slot only when it ends', async () => {
    const { clock, breaker } = makeBreaker({ isExcluded, maxRequests: 2, timeout: 1000 });
    await tripDefault(breaker);
    clock.advance(1000);
    const a = deferred();
    const b = deferred();
    const first = breaker.execute(() => a.promise);
    const second = breaker.execute(() => b.promise);
    await assert.rejects(succeed(breaker), TooManyRequestsError);
    a.reject(excludedError);
    b.reject(excludedError);
    await assert.rejects(first, (e) => e === excludedError);
    await assert.rejects(second, (e) => e === excludedError);
    await succeed(breaker);
    assert.equal(breaker.state, 'half-open');
    await fail(breaker);
    assert.equal(breaker.state, 'open');
  });

  it('a predicate that throws is reported and the outcome counts as a failure', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const { breaker } = makeBreaker({
        name: 'p',
        isExcluded: () => {
          throw new Error('predicate broke');
        },
      });
      await fail(breaker);
      assert.deepEqual(
        breaker.counts,
        counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
      );
      await new Promise((r) => setImmediate(r));
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0] ?? '',
        /^breaker "p" isExcluded\/isSuccessful threw: Error: predicate broke/,
      );
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('readyToTrip', () => {
  it('is called with a copy of the counts after every failure in closed state only', async () => {
    const seen: Counts[] = [];
    const { breaker } = makeBreaker({
      readyToTrip: (c) => {
        seen.push(c);
        c.consecutiveFailures = 1000; // a copy: no effect on the breaker
        return false;
      },
    });
    await succeed(breaker);
    await fail(breaker);
    await succeed(breaker);
    await fail(breaker);
    assert.deepEqual(seen, [
      counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveFailures: 1000 }),
      counts({ requests: 4, totalSuccesses: 2, totalFailures: 2, consecutiveFailures: 1000 }),
    ]);
    assert.equal(breaker.counts.consecutiveFailures, 1);
  });

  it('sees requests that include calls still in flight', async () => {
    const seen: number[] = [];
    const { breaker } = makeBreaker({
      readyToTrip: (c) => {
        seen.push(c.requests);
        return false;
      },
    });
    const pending = deferred();
    const call = breaker.execute(() => pending.promise);
    await fail(breaker);
    assert.deepEqual(seen, [2]);
    pending.resolve('x');
    await call;
  });
});
