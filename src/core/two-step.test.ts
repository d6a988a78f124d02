// The two-step form allow() -> done(outcome), and tryExecute, which never rejects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boom, breakerMaker, counts } from '../../test/fixtures/core/support.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, TooManyRequestsError } from './errors.js';
import type { CallEvent } from './events.js';

// This file's breakers wait 1000 ms when open unless a test sets its own timeout.
const make = breakerMaker({ timeout: 1000 });

function tripTwoStep(b: CircuitBreaker): void {
  for (let i = 0; i < 6; i++) b.allow()(false);
  assert.equal(b.state, 'open');
}

describe('allow() and done(outcome)', () => {
  it('records success, failure and exclusion', () => {
    const { breaker } = make();
    breaker.allow()(true);
    breaker.allow()(false);
    breaker.allow()('excluded');
    assert.deepEqual(
      breaker.counts,
      counts({
        requests: 3,
        totalSuccesses: 1,
        totalFailures: 1,
        totalExclusions: 1,
        consecutiveFailures: 1,
      }),
    );
  });

  it('counts the request at allow(), the outcome at done()', () => {
    const { breaker } = make();
    const done = breaker.allow();
    assert.deepEqual(breaker.counts, counts({ requests: 1 }));
    done(true);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
  });

  it('a second done does nothing, whatever outcome it gives', () => {
    const { breaker } = make();
    const done = breaker.allow();
    done(false);
    done(false);
    done(true);
    done('excluded');
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('a bad outcome is a TypeError quoting it, and records nothing', () => {
    const { breaker } = make();
    const done = breaker.allow();
    for (const [bad, shown] of [
      ['yes', '"yes"'],
      [1, '1'],
      [undefined, 'undefined'],
      [null, 'null'],
    ] as const) {
      assert.throws(
        () => {
          done(bad as never);
        },
        {
          name: 'TypeError',
          message: `done(outcome): outcome must be true, false or 'excluded', got ${shown}`,
        },
      );
    }
    assert.deepEqual(breaker.counts, counts({ requests: 1 }));
    done(true); // still usable after the bad calls
    assert.equal(breaker.counts.totalSuccesses, 1);
  });

  it('throws BreakerOpenError synchronously while open, with retryAfter', () => {
    const { clock, breaker } = make({ name: 'two' });
    tripTwoStep(breaker);
    clock.advance(400);
    let error: unknown;
    try {
      breaker.allow();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof BreakerOpenError);
    assert.equal(error.retryAfter, 600);
    assert.equal(error.breakerName, 'two');
  });

  it('admits exactly like execute in half-open: 10 allow() with maxRequests 3 admit 3', () => {
    const { clock, breaker } = make({ maxRequests: 3 });
    tripTwoStep(breaker);
    clock.advance(1000);
    const admitted: ((o: boolean | 'excluded') => void)[] = [];
    let rejected = 0;
    for (let i = 0; i < 10; i++) {
      try {
        admitted.push(breaker.allow());
      } catch (e) {
        assert.ok(e instanceof TooManyRequestsError);
        rejected++;
      }
    }
    assert.equal(admitted.length, 3);
    assert.equal(rejected, 7);
    // An excluded one gives its admission back; done twice gives nothing more back.
    const first = admitted[0];
    assert.ok(first);
    first('excluded');
    first('excluded');
    const again = breaker.allow();
    assert.throws(() => breaker.allow(), TooManyRequestsError);
    for (const done of [again, ...admitted.slice(1)]) done(true);
    assert.equal(breaker.state, 'closed');
  });

  it('a stale done (admitted before a state change) changes nothing', () => {
    const { breaker } = make();
    const old = breaker.allow();
    tripTwoStep(breaker);
    breaker.reset();
    old(false);
    assert.deepEqual(breaker.counts, counts());
  });

  it('done measures the duration for slow calls', () => {
    const { clock, breaker } = make({
      window: { kind: 'count', size: 2 },
      slowCallDuration: 50,
      slowCallRateThreshold: 100,
      minimumCalls: 2,
    });
    const a = breaker.allow();
    const b = breaker.allow();
    clock.advance(51);
    a(true);
    assert.equal(breaker.state, 'closed');
    b(false);
    assert.equal(breaker.state, 'open');
  });
});

describe('tryExecute', () => {
  it('resolves { ok: true, value } and records a success', async () => {
    const { breaker } = make();
    assert.deepEqual(await breaker.tryExecute(() => 5), { ok: true, value: 5 });
    assert.deepEqual(await breaker.tryExecute(() => Promise.resolve('v')), {
      ok: true,
      value: 'v',
    });
    assert.equal(breaker.counts.totalSuccesses, 2);
  });

  it('resolves { ok: false, error } for rejections and synchronous throws', async () => {
    const { breaker } = make();
    assert.deepEqual(await breaker.tryExecute(() => Promise.reject(boom)), {
      ok: false,
      error: boom,
    });
    assert.deepEqual(
      await breaker.tryExecute(() => {
        throw boom;
      }),
      { ok: false, error: boom },
    );
    assert.equal(breaker.counts.totalFailures, 2);
  });

  it('never rejects when open; the error is a BreakerOpenError with retryAfter', async () => {
    const { clock, breaker } = make({ name: 't' });
    const events: CallEvent[] = [];
    breaker.onCall((e) => events.push(e));
    for (let i = 0; i < 6; i++) await breaker.tryExecute(() => Promise.reject(boom));
    clock.advance(250);
    let ran = false;
    const first = await breaker.tryExecute(() => {
      ran = true;
    });
    const second = await breaker.tryExecute(() => 1);
    assert.equal(ran, false);
    assert.equal(first.ok, false);
    assert.ok(first.error instanceof BreakerOpenError);
    assert.equal(first.error.retryAfter, 750);
    assert.equal(first.error.breakerName, 't');
    assert.deepEqual(second, first);
    // Every rejection is still reported, even when the result is reused.
    assert.equal(events.filter((e) => e.outcome === 'rejected').length, 2);
    clock.advance(1);
    const later = await breaker.tryExecute(() => 1);
    assert.ok(!later.ok && later.error instanceof BreakerOpenError);
    assert.equal(later.error.retryAfter, 749);
  });

  it('in half-open, extra calls get TooManyRequestsError as a result', async () => {
    const { clock, breaker } = make();
    for (let i = 0; i < 6; i++) await breaker.tryExecute(() => Promise.reject(boom));
    clock.advance(1000);
    let release!: (v: string) => void;
    const probe = breaker.tryExecute(() => new Promise<string>((r) => (release = r)));
    const extra = await breaker.tryExecute(() => 'x');
    assert.ok(!extra.ok && extra.error instanceof TooManyRequestsError);
    release('p');
    assert.deepEqual(await probe, { ok: true, value: 'p' });
    assert.equal(breaker.state, 'closed');
  });

  it('a rejection reused within a millisecond is not reused across a state change', async () => {
    const { breaker } = make();
    breaker.forceOpen();
    const a = await breaker.tryExecute(() => 1);
    breaker.reset();
    breaker.forceOpen();
    const b = await breaker.tryExecute(() => 1);
    assert.ok(!a.ok && !b.ok);
    assert.notEqual(a.error, b.error);
  });
});
