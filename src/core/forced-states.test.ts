// forceOpen(), disable() and reset() as shared/API.md states them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  T0,
  boom,
  counts,
  failUnchecked,
  makeBreaker,
  recordTransitions,
  type ClockedBreaker,
} from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError } from './errors.js';
import type { StateChangeEvent } from './events.js';

function setup(): ClockedBreaker & { events: StateChangeEvent[] } {
  const { clock, breaker } = makeBreaker({ timeout: 1000, name: 'f' });
  return { clock, breaker, events: recordTransitions(breaker) };
}

describe('forceOpen()', () => {
  it('rejects every call until reset(), whatever time passes', async () => {
    const { clock, breaker, events } = setup();
    breaker.forceOpen();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.forcedState, 'open');
    assert.equal(breaker.retryAfter, Infinity);
    let ran = 0;
    for (const step of [0, 1000, 60_000, 10 * 365 * 86_400_000]) {
      clock.advance(step);
      const error = await breaker
        .execute(() => {
          ran++;
        })
        .catch((e: unknown) => e);
      assert.ok(error instanceof BreakerOpenError);
      assert.equal(error.retryAfter, Infinity);
      assert.equal(breaker.state, 'open');
    }
    assert.equal(ran, 0);
    assert.throws(() => breaker.allow(), BreakerOpenError);
    assert.deepEqual(
      events.map((e) => [e.from, e.to, e.reason]),
      [['closed', 'open', 'forced-open']],
    );
    breaker.reset();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.forcedState, null);
    assert.equal(await breaker.execute(() => 'back'), 'back');
    assert.deepEqual(
      events.map((e) => [e.from, e.to, e.reason]),
      [
        ['closed', 'open', 'forced-open'],
        ['open', 'closed', 'reset'],
      ],
    );
  });

  it('on an already open breaker: no event, and it no longer turns half-open', async () => {
    const { clock, breaker, events } = setup();
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    breaker.forceOpen();
    clock.advance(5000);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, Infinity);
    assert.deepEqual(
      events.map((e) => e.reason),
      ['tripped'],
    );
  });

  it('from half-open: opens and stays open', async () => {
    const { clock, breaker, events } = setup();
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    breaker.forceOpen();
    clock.advance(100_000);
    assert.equal(breaker.state, 'open');
    assert.deepEqual(
      events.map((e) => `${e.from}>${e.to}:${e.reason}`),
      ['closed>open:tripped', 'open>half-open:timeout-elapsed', 'half-open>open:forced-open'],
    );
  });

  it('toJSON of a forced breaker says so and has no half-open time', () => {
    const { breaker } = setup();
    breaker.forceOpen();
    const s = breaker.toJSON();
    assert.equal(s.forced, 'open');
    assert.equal(s.state, 'open');
    assert.equal(s.halfOpenAt, null);
  });
});

describe('disable()', () => {
  it('every call passes, nothing is recorded, it reads closed and never trips', async () => {
    const { breaker, events } = setup();
    await failUnchecked(breaker);
    breaker.disable();
    assert.deepEqual(breaker.counts, counts());
    for (let i = 0; i < 100; i++) await failUnchecked(breaker);
    assert.equal(await breaker.execute(() => 'still runs'), 'still runs');
    const done = breaker.allow();
    done(false);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.forcedState, 'disabled');
    assert.deepEqual(breaker.counts, counts());
    assert.equal(breaker.failureRate, -1);
    assert.deepEqual(events, []);
  });

  it('from open: closes at once (event reason "disabled"), and reset() returns to normal', async () => {
    const { breaker, events } = setup();
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    breaker.disable();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.retryAfter, 0);
    assert.equal(await breaker.execute(() => 1), 1);
    breaker.reset();
    assert.equal(breaker.forcedState, null);
    await failUnchecked(breaker);
    assert.deepEqual(breaker.counts, {
      ...counts(),
      requests: 1,
      totalFailures: 1,
      consecutiveFailures: 1,
    });
    for (let i = 0; i < 5; i++) await failUnchecked(breaker);
    assert.equal(breaker.state, 'open');
    assert.deepEqual(
      events.map((e) => `${e.from}>${e.to}:${e.reason}`),
      ['closed>open:tripped', 'open>closed:disabled', 'closed>open:tripped'],
    );
  });

  it('time passing while disabled changes nothing', async () => {
    const clock = new ManualClock(T0);
    const breaker = new CircuitBreaker({ clock, interval: 1000 });
    breaker.disable();
    await assert.rejects(breaker.execute(() => Promise.reject(boom)));
    clock.advance(10_000);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
  });
});

describe('reset()', () => {
  it('from open: closed, counts cleared, back to normal', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    breaker.reset();
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
    assert.equal(breaker.retryAfter, 0);
    // A full run of failures is needed again to trip.
    for (let i = 0; i < 5; i++) await failUnchecked(breaker);
    assert.equal(breaker.state, 'closed');
    await failUnchecked(breaker);
    assert.equal(breaker.state, 'open');
  });

  it('from closed: clears counts without an event', async () => {
    const { breaker, events } = setup();
    await failUnchecked(breaker);
    await breaker.execute(() => 1);
    breaker.reset();
    assert.deepEqual(breaker.counts, counts());
    assert.deepEqual(events, []);
  });

  it('resets the open backoff: the next open waits the first timeout again', async () => {
    const clock = new ManualClock(T0);
    const breaker = new CircuitBreaker({ clock, timeout: (opens) => opens * 1000 });
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    clock.advance(1000);
    await failUnchecked(breaker); // second open: 2000
    assert.equal(breaker.retryAfter, 2000);
    breaker.reset();
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    assert.equal(breaker.retryAfter, 1000);
  });
});
