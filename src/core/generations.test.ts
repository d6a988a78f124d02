// The generation rule of shared/API.md: results of calls admitted before a state change or an
// interval reset are ignored when they arrive, across every kind of change. In-flight calls are
// pending promises settled by hand after the change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boom,
  counts,
  deferred,
  failUnchecked,
  makeBreaker,
  recordCalls,
  recordTransitions,
  succeed,
  type ClockedBreaker,
} from '../../test/fixtures/core/support.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { CallEvent, StateChangeEvent } from './events.js';
import type { BreakerOptions } from './options.js';

interface Late {
  /** Settles the in-flight call with success ('ok') or failure (boom), then waits for it. */
  succeed(): Promise<void>;
  fail(): Promise<void>;
}

/** Starts a call that stays in flight until settled by hand. */
function inFlight(b: CircuitBreaker): Late {
  const pending = deferred();
  const call = b.execute(() => pending.promise);
  return {
    async succeed() {
      pending.resolve('late');
      assert.equal(await call, 'late');
    },
    async fail() {
      pending.reject(boom);
      await assert.rejects(call, (e) => e === boom);
    },
  };
}

// This file's breakers wait 1000 ms when open unless a test sets its own timeout.
function setup(
  options: BreakerOptions = {},
): ClockedBreaker & { transitions: StateChangeEvent[]; calls: CallEvent[] } {
  const { clock, breaker } = makeBreaker({ timeout: 1000, ...options });
  return { clock, breaker, transitions: recordTransitions(breaker), calls: recordCalls(breaker) };
}

async function trip(b: CircuitBreaker): Promise<void> {
  for (let i = 0; i < 6; i++) await failUnchecked(b);
  assert.equal(b.state, 'open');
}

describe('late results are ignored across every kind of state change', () => {
  it('trip: failures of calls admitted while closed land in open without effect', async () => {
    const { breaker, transitions, calls } = setup();
    const late = Array.from({ length: 5 }, () => inFlight(breaker));
    await trip(breaker);
    const retryAfter = breaker.retryAfter;
    for (const call of late) await call.fail();
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, counts());
    assert.equal(breaker.retryAfter, retryAfter);
    // No duplicate open events from the overhanging failures.
    assert.deepEqual(
      transitions.map((t) => `${t.from}>${t.to}`),
      ['closed>open'],
    );
    const stale = calls.filter((c) => c.stale);
    assert.equal(stale.length, 5);
    assert.ok(stale.every((c) => c.outcome === 'failure' && c.state === 'open'));
  });

  it('trip: a late success does not close an open breaker', async () => {
    const { breaker } = setup();
    const late = inFlight(breaker);
    await trip(breaker);
    await late.succeed();
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, counts());
  });

  it('half-open entry: a closed-era result landing in half-open neither closes nor reopens it', async () => {
    const { clock, breaker } = setup({ maxRequests: 2 });
    const lateSuccess = inFlight(breaker);
    const lateFailure = inFlight(breaker);
    await trip(breaker);
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    await lateFailure.fail();
    assert.equal(breaker.state, 'half-open');
    await lateSuccess.succeed();
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(breaker.counts, counts());
    // Both probe slots are still free.
    await succeed(breaker);
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('half-open -> open: the other probe succeeding later does not count', async () => {
    const { clock, breaker, transitions } = setup({ maxRequests: 2 });
    await trip(breaker);
    clock.advance(1000);
    const slowProbe = inFlight(breaker);
    await failUnchecked(breaker);
    assert.equal(breaker.state, 'open');
    await slowProbe.succeed();
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, counts());
    assert.deepEqual(
      transitions.map((t) => `${t.from}>${t.to}`),
      ['closed>open', 'open>half-open', 'half-open>open'],
    );
  });

  it('half-open -> closed: a closed-era failure arriving after the close is ignored', async () => {
    const { clock, breaker } = setup();
    const old = inFlight(breaker);
    await trip(breaker);
    clock.advance(1000);
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
    await old.fail();
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
  });

  it('interval reset: a call admitted in the old interval does not count in the new one', async () => {
    const { clock, breaker } = setup({ interval: 30_000 });
    clock.advance(29_000);
    await succeed(breaker);
    const late = inFlight(breaker);
    clock.advance(500);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
    clock.advance(500);
    assert.deepEqual(breaker.counts, counts());
    await late.fail();
    assert.deepEqual(breaker.counts, counts());
  });

  it('interval reset: a late failure cannot trip the new generation', async () => {
    const { clock, breaker } = setup({ interval: 1000, readyToTrip: (c) => c.totalFailures >= 1 });
    const late = inFlight(breaker);
    clock.advance(1000);
    await late.fail();
    assert.equal(breaker.state, 'closed');
  });

  it('forceOpen: results admitted before it are ignored, then and after reset', async () => {
    const { breaker } = setup();
    await failUnchecked(breaker);
    const a = inFlight(breaker);
    const b = inFlight(breaker);
    breaker.forceOpen();
    await a.succeed();
    assert.deepEqual(breaker.counts, counts());
    breaker.reset();
    await b.fail();
    assert.deepEqual(breaker.counts, counts());
  });

  it('forceOpen while already open: results of the old open generation stay ignored', async () => {
    const { breaker } = setup();
    const late = inFlight(breaker);
    await trip(breaker);
    breaker.forceOpen();
    await late.succeed();
    assert.deepEqual(breaker.counts, counts());
    assert.equal(breaker.retryAfter, Infinity);
  });

  it('disable: results admitted before it are ignored, and so are results after reset', async () => {
    const { breaker } = setup();
    const before = inFlight(breaker);
    breaker.disable();
    const during = inFlight(breaker);
    await before.fail();
    assert.deepEqual(breaker.counts, counts());
    breaker.reset();
    await during.fail();
    assert.deepEqual(breaker.counts, counts());
    await failUnchecked(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
  });

  it('reset from closed: a new generation, even without a state change', async () => {
    const { breaker, transitions } = setup();
    await failUnchecked(breaker);
    const late = inFlight(breaker);
    breaker.reset();
    assert.deepEqual(breaker.counts, counts());
    await late.fail();
    assert.deepEqual(breaker.counts, counts());
    assert.deepEqual(transitions, []);
  });

  it('reset from half-open: probes in flight are ignored when they land', async () => {
    const { clock, breaker } = setup({ maxRequests: 3 });
    await trip(breaker);
    clock.advance(1000);
    const probe = inFlight(breaker);
    breaker.reset();
    await probe.fail();
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
  });

  it('a hundred calls admitted in closed all failing open it once', async () => {
    const { breaker, transitions } = setup();
    const calls = Array.from({ length: 100 }, () => inFlight(breaker));
    assert.equal(breaker.counts.requests, 100);
    for (const c of calls) await c.fail();
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, counts());
    assert.equal(transitions.length, 1);
  });
});
