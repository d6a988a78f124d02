// The caller's AbortSignal: already aborted (rejects with its reason, fn not run, nothing
// recorded) and aborted during a call (rejects at once with the reason, recorded as excluded,
// fn's late result ignored, the abort listener removed).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { boom, breakerMaker, counts } from '../../test/fixtures/core/support.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { TooManyRequestsError } from './errors.js';
import type { CallEvent } from './events.js';

// This file's breakers wait 1000 ms when open unless a test sets its own timeout.
const make = breakerMaker({ timeout: 1000 });

const abortListeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('a signal already aborted', () => {
  it('rejects with its reason without running fn or recording anything', async () => {
    const { breaker } = make();
    const events: CallEvent[] = [];
    breaker.onCall((e) => events.push(e));
    const reason = new Error('caller gave up');
    let ran = false;
    await assert.rejects(
      breaker.execute(
        () => {
          ran = true;
        },
        { signal: AbortSignal.abort(reason) },
      ),
      (e) => e === reason,
    );
    assert.equal(ran, false);
    assert.deepEqual(breaker.counts, counts());
    assert.deepEqual(events, []);
  });

  it('rejects with the signal reason even while open, and with a default AbortError reason', async () => {
    const { breaker } = make();
    breaker.forceOpen();
    const controller = new AbortController();
    controller.abort();
    const error = await breaker
      .execute(() => 1, { signal: controller.signal })
      .catch((e: unknown) => e);
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, 'AbortError');
  });

  it('takes no half-open admission', async () => {
    const { clock, breaker } = make();
    for (let i = 0; i < 6; i++) await assert.rejects(breaker.execute(() => Promise.reject(boom)));
    clock.advance(1000);
    await assert.rejects(breaker.execute(() => 1, { signal: AbortSignal.abort('x') }));
    assert.equal(await breaker.execute(() => 'probe'), 'probe');
    assert.equal(breaker.state, 'closed');
  });

  it('tryExecute resolves to { ok: false, error: reason }', async () => {
    const { breaker } = make();
    assert.deepEqual(await breaker.tryExecute(() => 1, { signal: AbortSignal.abort('gone') }), {
      ok: false,
      error: 'gone',
    });
    assert.deepEqual(breaker.counts, counts());
  });
});

describe('a signal aborted during the call', () => {
  it('rejects at once with the reason, records an exclusion and ignores fn later', async () => {
    const { breaker } = make();
    const controller = new AbortController();
    let settle!: (v: string) => void;
    let seenSignal: AbortSignal | undefined;
    const call = breaker.execute(
      (signal) => {
        seenSignal = signal;
        return new Promise<string>((r) => (settle = r));
      },
      { signal: controller.signal },
    );
    assert.equal(seenSignal, controller.signal);
    assert.equal(abortListeners(controller.signal), 1);
    const reason = new Error('user navigated away');
    controller.abort(reason);
    // Settled synchronously by the abort: no tick of fn needed.
    await assert.rejects(call, (e) => e === reason);
    assert.deepEqual(breaker.counts, counts({ requests: 1, totalExclusions: 1 }));
    assert.equal(abortListeners(controller.signal), 0);
    settle('too late');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(breaker.counts, counts({ requests: 1, totalExclusions: 1 }));
  });

  it('is excluded even with an isExcluded that says no, and a late rejection of fn is handled', async () => {
    const { breaker } = make({ isExcluded: () => false });
    const controller = new AbortController();
    let fail!: (e: unknown) => void;
    const call = breaker.execute(() => new Promise<string>((_r, rej) => (fail = rej)), {
      signal: controller.signal,
    });
    controller.abort('stop');
    await assert.rejects(call, (e) => e === 'stop');
    fail(boom); // must not become an unhandled rejection (test/setup.ts fails the run on one)
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(breaker.counts, counts({ requests: 1, totalExclusions: 1 }));
  });

  it('removes its abort listener when the call settles normally, over many calls', async () => {
    const { breaker } = make();
    const controller = new AbortController();
    for (let i = 0; i < 1000; i++) {
      await breaker.execute(() => Promise.resolve(i), { signal: controller.signal });
      await assert.rejects(
        breaker.execute(() => Promise.reject(boom), { signal: controller.signal }),
      );
      await breaker.execute(() => i, { signal: controller.signal });
    }
    assert.equal(abortListeners(controller.signal), 0);
    controller.abort();
    assert.equal(breaker.counts.totalExclusions, 0);
  });

  it('in half-open, an aborted probe gives its admission back', async () => {
    const { clock, breaker } = make({ maxRequests: 1 });
    for (let i = 0; i < 6; i++) await assert.rejects(breaker.execute(() => Promise.reject(boom)));
    clock.advance(1000);
    const controller = new AbortController();
    const probe = breaker.execute(() => new Promise<string>(() => undefined), {
      signal: controller.signal,
    });
    await assert.rejects(
      breaker.execute(() => 'x'),
      TooManyRequestsError,
    );
    controller.abort('cancel');
    await assert.rejects(probe, (e) => e === 'cancel');
    assert.equal(breaker.state, 'half-open');
    assert.equal(await breaker.execute(() => 'next probe'), 'next probe');
    assert.equal(breaker.state, 'closed');
  });

  it('a hundred aborted in-flight calls never trip the breaker', async () => {
    const { breaker } = make();
    const controller = new AbortController();
    const calls = Array.from({ length: 100 }, () =>
      breaker.execute(() => new Promise<string>(() => undefined), { signal: controller.signal }),
    );
    controller.abort(new Error('shutdown'));
    const results = await Promise.allSettled(calls);
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts({ requests: 100, totalExclusions: 100 }));
    assert.equal(abortListeners(controller.signal), 0);
  });

  it('an abort after the call ended changes nothing', async () => {
    const { breaker } = make();
    const controller = new AbortController();
    assert.equal(await breaker.execute(() => 'done', { signal: controller.signal }), 'done');
    controller.abort();
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }),
    );
  });

  it('with callTimeout, fn gets a signal that the caller abort aborts with the same reason', async () => {
    const { breaker } = make({ callTimeout: 5000 });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const call = breaker.execute(
      (signal) => {
        seen = signal;
        return new Promise<string>(() => undefined);
      },
      { signal: controller.signal },
    );
    assert.ok(seen);
    assert.notEqual(seen, controller.signal);
    controller.abort('bye');
    await assert.rejects(call, (e) => e === 'bye');
    assert.equal(seen.aborted, true);
    assert.equal(seen.reason, 'bye');
    assert.deepEqual(breaker.counts, counts({ requests: 1, totalExclusions: 1 }));
  });
});

describe('execute with something that is not a function', () => {
  it('rejects with a TypeError naming fn, before admission, recording nothing', async () => {
    const breaker = new CircuitBreaker({ readyToTrip: () => true });
    const notFn = 42 as unknown as () => number;
    await assert.rejects(breaker.execute(notFn), {
      name: 'TypeError',
      message: 'execute(fn): fn must be a function, got 42',
    });
    const result = await breaker.tryExecute(notFn);
    assert.equal(result.ok, false);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.counts.requests, 0);
  });
});

describe('execute with a signal that is not an AbortSignal', () => {
  it('rejects with a TypeError naming options.signal, before admission', async () => {
    const breaker = new CircuitBreaker();
    const bad = { signal: 'soon' as unknown as AbortSignal };
    let ran = false;
    await assert.rejects(
      breaker.execute(() => {
        ran = true;
      }, bad),
      {
        name: 'TypeError',
        message: 'execute(fn, options): options.signal must be an AbortSignal, got "soon"',
      },
    );
    const result = await breaker.tryExecute(() => 1, bad);
    assert.equal(result.ok, false);
    assert.equal(ran, false);
    assert.equal(breaker.counts.requests, 0);
  });
});
