// toJSON() and the initialState option: round trips through JSON, an open breaker restored later
// turns half-open at the original time, window content and backoff carried, forced states kept,
// and a bad snapshot field is a TypeError naming the field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  T0,
  counts,
  excludedError,
  failUnchecked,
  makeBreaker,
  recordTransitions,
  succeed,
  type ClockedBreaker,
} from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError } from './errors.js';
import type { StateChangeEvent } from './events.js';
import type { BreakerOptions, BreakerSnapshot } from './options.js';

/** What a process writes to disk and the next one reads back. */
const viaJson = (s: BreakerSnapshot): BreakerSnapshot =>
  JSON.parse(JSON.stringify(s)) as BreakerSnapshot;

function restored(
  snapshot: BreakerSnapshot,
  at: number,
  options: BreakerOptions = {},
): ClockedBreaker & { events: StateChangeEvent[] } {
  const { clock, breaker } = makeBreaker({ ...options, initialState: viaJson(snapshot) }, at);
  return { clock, breaker, events: recordTransitions(breaker) };
}

describe('toJSON()', () => {
  it('describes a fresh breaker', () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock(T0), name: 'db' });
    assert.deepEqual(breaker.toJSON(), {
      name: 'db',
      state: 'closed',
      counts: counts(),
      opens: 0,
      openedAt: null,
      halfOpenAt: null,
      generationStart: T0,
      forced: null,
    });
  });

  it('describes an open breaker, applying elapsed time first', async () => {
    const clock = new ManualClock(T0);
    const breaker = new CircuitBreaker({ clock, name: 'db', timeout: 30_000 });
    clock.advance(100);
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    assert.deepEqual(breaker.toJSON(), {
      name: 'db',
      state: 'open',
      counts: counts(),
      opens: 1,
      openedAt: T0 + 100,
      halfOpenAt: T0 + 30_100,
      generationStart: T0,
      forced: null,
    });
    clock.advance(30_000);
    const later = breaker.toJSON();
    assert.equal(later.state, 'half-open');
    assert.equal(later.halfOpenAt, null);
  });
});

describe('initialState round trips', () => {
  it('closed with counts', async () => {
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock });
    await succeed(a);
    await failUnchecked(a);
    await failUnchecked(a);
    const { breaker } = restored(a.toJSON(), T0 + 500);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 3, totalSuccesses: 1, totalFailures: 2, consecutiveFailures: 2 }),
    );
    // The run of failures continues where it stopped: four more trip it.
    for (let i = 0; i < 3; i++) await failUnchecked(breaker);
    assert.equal(breaker.state, 'closed');
    await failUnchecked(breaker);
    assert.equal(breaker.state, 'open');
  });

  it('an open breaker restored later turns half-open at the original time', async () => {
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock, timeout: 30_000 });
    clock.advance(100);
    for (let i = 0; i < 6; i++) await failUnchecked(a);
    clock.advance(4900);
    const snapshot = a.toJSON(); // written at T0 + 5000

    const { clock: c2, breaker, events } = restored(snapshot, T0 + 20_000, { timeout: 30_000 });
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, 10_100);
    const error = await breaker.execute(() => 1).catch((e: unknown) => e);
    assert.ok(error instanceof BreakerOpenError);
    assert.equal(error.retryAfter, 10_100);
    c2.set(T0 + 30_099);
    assert.equal(breaker.state, 'open');
    c2.set(T0 + 30_100);
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(
      events.map((e) => [e.from, e.to, e.at]),
      [['open', 'half-open', T0 + 30_100]],
    );
  });

  it('restored after its half-open time, it reads half-open with the event at the original time', async () => {
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock, timeout: 1000 });
    for (let i = 0; i < 6; i++) await failUnchecked(a);
    const { breaker, events } = restored(a.toJSON(), T0 + 86_400_000, { timeout: 1000 });
    assert.equal(breaker.state, 'half-open');
    assert.equal(events[0]?.at, T0 + 1000);
  });

  it('carries the open count that drives a timeout function', async () => {
    const clock = new ManualClock(T0);
    const timeout = (opens: number): number => opens * 1000;
    const a = new CircuitBreaker({ clock, timeout });
    for (let i = 0; i < 6; i++) await failUnchecked(a);
    clock.advance(1000);
    await failUnchecked(a); // second open, waits 2000
    const s = a.toJSON();
    assert.equal(s.opens, 2);
    const { clock: c2, breaker } = restored(s, T0 + 1000, { timeout });
    c2.advance(2000);
    assert.equal(breaker.state, 'half-open');
    await failUnchecked(breaker);
    assert.equal(breaker.retryAfter, 3000); // third open
  });

  it('a half-open snapshot admits maxRequests fresh probes', async () => {
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock, timeout: 1000, maxRequests: 2 });
    for (let i = 0; i < 6; i++) await failUnchecked(a);
    clock.advance(1000);
    const { breaker } = restored(a.toJSON(), T0 + 1000, { maxRequests: 2 });
    assert.equal(breaker.state, 'half-open');
    await succeed(breaker);
    assert.equal(breaker.state, 'half-open');
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('an interval stays aligned to the saved generation start', async () => {
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock, interval: 10_000 });
    clock.advance(4000);
    await failUnchecked(a);
    const { clock: c2, breaker } = restored(a.toJSON(), T0 + 9000, { interval: 10_000 });
    assert.equal(breaker.counts.totalFailures, 1);
    c2.set(T0 + 9999);
    assert.equal(breaker.counts.totalFailures, 1);
    c2.set(T0 + 10_000);
    assert.equal(breaker.counts.totalFailures, 0);
  });

  it('forced states survive: forced open keeps rejecting, disabled keeps passing', async () => {
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock });
    a.forceOpen();
    const forced = restored(a.toJSON(), T0 + 10 ** 9);
    assert.equal(forced.breaker.forcedState, 'open');
    assert.equal(forced.breaker.retryAfter, Infinity);
    await assert.rejects(
      forced.breaker.execute(() => 1),
      BreakerOpenError,
    );
    forced.breaker.reset();
    assert.equal(await forced.breaker.execute(() => 1), 1);

    const b = new CircuitBreaker({ clock });
    b.disable();
    const disabled = restored(b.toJSON(), T0);
    assert.equal(disabled.breaker.forcedState, 'disabled');
    for (let i = 0; i < 10; i++) await failUnchecked(disabled.breaker);
    assert.equal(disabled.breaker.state, 'closed');
    assert.deepEqual(disabled.breaker.counts, counts());
  });

  it('carries a count window, exclusions included, and keeps sliding from there', async () => {
    const options: BreakerOptions = {
      window: { kind: 'count', size: 3 },
      readyToTrip: () => false,
      isExcluded: (e) => e === excludedError,
    };
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock, ...options });
    await failUnchecked(a);
    await failUnchecked(a, excludedError);
    await succeed(a);
    await succeed(a);
    await failUnchecked(a, excludedError);
    const s = a.toJSON();
    assert.deepEqual(s.window, { kind: 'count', data: [1, 0, 0], exclusions: [0, 1, 0, 1] });
    const { breaker } = restored(s, T0, options);
    assert.deepEqual(breaker.counts, a.counts);
    assert.deepEqual(
      breaker.counts,
      counts({
        requests: 5,
        totalSuccesses: 2,
        totalFailures: 1,
        totalExclusions: 2,
        consecutiveSuccesses: 2,
      }),
    );
    // Both evict the failure next, then the first success with the exclusion before it.
    for (const b of [a, breaker]) {
      await succeed(b);
      await succeed(b);
    }
    assert.deepEqual(breaker.counts, a.counts);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 4, totalSuccesses: 3, totalExclusions: 1, consecutiveSuccesses: 4 }),
    );
  });

  it('carries a time window whose buckets keep their original times', async () => {
    const options: BreakerOptions = {
      window: { kind: 'time', size: 10_000, buckets: 10 },
      readyToTrip: () => false,
    };
    const clock = new ManualClock(T0);
    const a = new CircuitBreaker({ clock, ...options });
    await failUnchecked(a);
    clock.advance(3000);
    await succeed(a);
    const { clock: c2, breaker } = restored(a.toJSON(), T0 + 5000, options);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveSuccesses: 1 }),
    );
    c2.set(T0 + 10_000); // the failure's bucket ages out
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
    c2.set(T0 + 13_000); // and the success's
    assert.deepEqual(breaker.counts, counts({ consecutiveSuccesses: 1 }));
  });

  it('an empty time window round-trips', () => {
    const options: BreakerOptions = { window: { kind: 'time', size: 1000, buckets: 10 } };
    const a = new CircuitBreaker({ clock: new ManualClock(T0), ...options });
    const { breaker } = restored(a.toJSON(), T0, options);
    assert.deepEqual(breaker.counts, counts());
  });

  it('accepts a minimal hand-written snapshot (state and counts only)', () => {
    const breaker = new CircuitBreaker({
      clock: new ManualClock(T0),
      timeout: 5000,
      initialState: { state: 'open', counts: counts() } as BreakerSnapshot,
    });
    // Without halfOpenAt an open snapshot is due at once.
    assert.equal(breaker.state, 'half-open');
  });
});

describe('a bad initialState field is a TypeError naming it', () => {
  const good = (): Record<string, unknown> => ({
    name: 'x',
    state: 'closed',
    counts: counts(),
    opens: 0,
    openedAt: null,
    halfOpenAt: null,
    generationStart: T0,
    forced: null,
  });
  const cases: [string, (s: Record<string, unknown>) => unknown, BreakerOptions, string][] = [
    ['not an object', () => 5, {}, 'initialState: expected an object from toJSON(), got 5'],
    ['null', () => null, {}, 'initialState: expected an object from toJSON(), got null'],
    [
      'state',
      (s) => ({ ...s, state: 'ajar' }),
      {},
      `initialState.state: expected 'closed', 'half-open' or 'open', got "ajar"`,
    ],
    [
      'counts',
      (s) => ({ ...s, counts: null }),
      {},
      'initialState.counts: expected an object, got null',
    ],
    [
      'counts.requests',
      (s) => ({ ...s, counts: { ...counts(), requests: -1 } }),
      {},
      'initialState.counts.requests: expected an integer >= 0, got -1',
    ],
    [
      'counts.consecutiveFailures',
      (s) => ({ ...s, counts: { ...counts(), consecutiveFailures: 1.5 } }),
      {},
      'initialState.counts.consecutiveFailures: expected an integer >= 0, got 1.5',
    ],
    [
      'counts.totalExclusions missing',
      (s) => ({ ...s, counts: { ...counts(), totalExclusions: undefined } }),
      {},
      'initialState.counts.totalExclusions: expected an integer >= 0, got undefined',
    ],
    [
      'opens',
      (s) => ({ ...s, opens: 'two' }),
      {},
      'initialState.opens: expected an integer >= 0, got "two"',
    ],
    [
      'openedAt',
      (s) => ({ ...s, openedAt: 'yesterday' }),
      {},
      'initialState.openedAt: expected a time in ms or null, got "yesterday"',
    ],
    [
      'halfOpenAt',
      (s) => ({ ...s, halfOpenAt: Infinity }),
      {},
      'initialState.halfOpenAt: expected a time in ms or null, got Infinity',
    ],
    [
      'generationStart',
      (s) => ({ ...s, generationStart: NaN }),
      {},
      'initialState.generationStart: expected a time in ms, got NaN',
    ],
    [
      'forced',
      (s) => ({ ...s, forced: 'closed' }),
      {},
      `initialState.forced: expected 'open', 'disabled' or null, got "closed"`,
    ],
    [
      'forced open but closed',
      (s) => ({ ...s, forced: 'open' }),
      {},
      `initialState.state: expected 'open' when forced is 'open', got "closed"`,
    ],
    [
      'disabled but open',
      (s) => ({ ...s, state: 'open', forced: 'disabled' }),
      {},
      `initialState.state: expected 'closed' when forced is 'disabled', got "open"`,
    ],
    [
      'window of the wrong kind',
      (s) => ({ ...s, window: { kind: 'count', data: [] } }),
      { window: { kind: 'time', size: 1000, buckets: 10 } },
      'initialState.window: expected a time window, got {"kind":"count","data":[]}',
    ],
    [
      'count window code',
      (s) => ({ ...s, window: { kind: 'count', data: [0, 9] } }),
      { window: { kind: 'count', size: 5 } },
      'initialState.window.data: bad outcome code 9',
    ],
    [
      'count window exclusions',
      (s) => ({ ...s, window: { kind: 'count', data: [0], exclusions: [0] } }),
      { window: { kind: 'count', size: 5 } },
      'initialState.window.exclusions: expected 2 integers >= 0, got [0]',
    ],
    [
      'time window head',
      (s) => ({ ...s, window: { kind: 'time', data: Array<number>(8).fill(0), head: 1.5 } }),
      { window: { kind: 'time', size: 1000, buckets: 2 } },
      'initialState.window.head: expected an integer, got 1.5',
    ],
    [
      'time window length',
      (s) => ({ ...s, window: { kind: 'time', data: [0, 0, 0, 0], head: 7 } }),
      { window: { kind: 'time', size: 1000, buckets: 2 } },
      'initialState.window.data: expected 8 numbers for 2 buckets, got 4',
    ],
    [
      'time window count',
      (s) => ({ ...s, window: { kind: 'time', data: [0, 0, 0, 0, 0, -1, 0, 0], head: 7 } }),
      { window: { kind: 'time', size: 1000, buckets: 2 } },
      'initialState.window.data: bad count -1',
    ],
  ];
  for (const [label, edit, options, message] of cases) {
    it(label, () => {
      assert.throws(
        () =>
          new CircuitBreaker({
            clock: new ManualClock(T0),
            ...options,
            initialState: edit(good()) as BreakerSnapshot,
          }),
        { name: 'TypeError', message },
      );
    });
  }
});
