// The generation rule of shared/API.md: results of calls admitted before a state change or an
// interval reset are ignored when they arrive, across every kind of change. In-flight calls are
// pending promises settled by hand after the change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { CallEvent, StateChangeEvent } from './events.js';
import type { BreakerOptions } from './options.js';
import type { Counts } from './types.js';

const T0 = 1_800_000_000_000;
const boom = new Error('boom');

function C(partial: Partial<Counts> = {}): Counts {
  return {
    requests: 0,
    totalSuccesses: 0,
    totalFailures: 0,
    totalExclusions: 0,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
    ...partial,
  };
}

interface Late {
  /** Settles the in-flight call with success ('ok') or failure (boom), then waits for it. */
  succeed(): Promise<void>;
  fail(): Promise<void>;
}

/** Starts a call that stays in flight until settled by hand. */
function inFlight(b: CircuitBreaker): Late {
  let resolve!: (v: string) => void;
  let reject!: (e: unknown) => void;
  const pending = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const call = b.execute(() => pending);
  return {
    async succeed() {
      resolve('late');
      assert.equal(await call, 'late');
    },
    async fail() {
      reject(boom);
      await assert.rejects(call, (e) => e === boom);
    },
  };
}

function setup(options: BreakerOptions = {}): {
  clock: ManualClock;
  breaker: CircuitBreaker;
  transitions: StateChangeEvent[];
  calls: CallEvent[];
} {
  const clock = new ManualClock(T0);
  const breaker = new CircuitBreaker({ clock, timeout: 1000, ...options });
  const transitions: StateChangeEvent[] = [];
  const calls: CallEvent[] = [];
  breaker.onTransition((e) => transitions.push(e));
  breaker.onCall((e) => calls.push(e));
  return { clock, breaker, transitions, calls };
}

const succeed = async (b: CircuitBreaker): Promise<void> => {
  await b.execute(() => 'ok');
};
const fail = async (b: CircuitBreaker): Promise<void> => {
  await assert.rejects(b.execute(() => Promise.reject(boom)));
};
async function trip(b: CircuitBreaker): Promise<void> {
  for (let i = 0; i < 6; i++) await fail(b);
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
    assert.deepEqual(breaker.counts, C());
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
    assert.deepEqual(breaker.counts, C());
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
    assert.deepEqual(breaker.counts, C());
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
    await fail(breaker);
    assert.equal(breaker.state, 'open');
    await slowProbe.succeed();
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, C());
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
    assert.deepEqual(breaker.counts, C());
  });

  it('interval reset: a call admitted in the old interval does not count in the new one', async () => {
    const { clock, breaker } = setup({ interval: 30_000 });
    clock.advance(29_000);
    await succeed(breaker);
    const late = inFlight(breaker);
    clock.advance(500);
    assert.deepEqual(
      breaker.counts,
      C({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
    clock.advance(500);
    assert.deepEqual(breaker.counts, C());
    await late.fail();
    assert.deepEqual(breaker.counts, C());
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
    await fail(breaker);
    const a = inFlight(breaker);
    const b = inFlight(breaker);
    breaker.forceOpen();
    await a.succeed();
    assert.deepEqual(breaker.counts, C());
    breaker.reset();
    await b.fail();
    assert.deepEqual(breaker.counts, C());
  });

  it('forceOpen while already open: results of the old open generation stay ignored', async () => {
    const { breaker } = setup();
    const late = inFlight(breaker);
    await trip(breaker);
    breaker.forceOpen();
    await late.succeed();
    assert.deepEqual(breaker.counts, C());
    assert.equal(breaker.retryAfter, Infinity);
  });

  it('disable: results admitted before it are ignored, and so are results after reset', async () => {
    const { breaker } = setup();
    const before = inFlight(breaker);
    breaker.disable();
    const during = inFlight(breaker);
    await before.fail();
    assert.deepEqual(breaker.counts, C());
    breaker.reset();
    await during.fail();
    assert.deepEqual(breaker.counts, C());
    await fail(breaker);
    assert.deepEqual(breaker.counts, C({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }));
  });

  it('reset from closed: a new generation, even without a state change', async () => {
    const { breaker, transitions } = setup();
    await fail(breaker);
    const late = inFlight(breaker);
    breaker.reset();
    assert.deepEqual(breaker.counts, C());
    await late.fail();
    assert.deepEqual(breaker.counts, C());
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
    assert.deepEqual(breaker.counts, C());
  });

  it('a hundred calls admitted in closed all failing open it once', async () => {
    const { breaker, transitions } = setup();
    const calls = Array.from({ length: 100 }, () => inFlight(breaker));
    assert.equal(breaker.counts.requests, 100);
    for (const c of calls) await c.fail();
    assert.equal(breaker.state, 'open');
    assert.deepEqual(breaker.counts, C());
    assert.equal(transitions.length, 1);
  });
});
