import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { BreakerOpenError, CallTimeoutError } from '../core/errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { fallback } from './fallback.js';
import { assertInstanceOf, deferred, flush, track } from './support.test.js';
import { timeout } from './timeout.js';
import { wrap } from './wrap.js';

describe('fallback', () => {
  it('passes a success through and replaces a failure with the value', async () => {
    const policy = fallback({ value: 'cached' });
    assert.equal(await policy.execute(() => 'fresh'), 'fresh');
    assert.equal(await policy.execute(() => Promise.reject(new Error('down'))), 'cached');
    assert.equal(
      await policy.execute(() => {
        throw new Error('sync');
      }),
      'cached',
    );
  });

  it('calls fn once with the error and the call signal, and gives what it returns', async () => {
    const calls: [unknown, AbortSignal][] = [];
    const controller = new AbortController();
    const error = new Error('down');
    const policy = fallback({
      fn: async (e, signal) => {
        calls.push([e, signal]);
        return 'from fn';
      },
    });
    assert.equal(
      await policy.execute(() => Promise.reject(error), { signal: controller.signal }),
      'from fn',
    );
    assert.deepEqual(calls, [[error, controller.signal]]);
  });

  it('a fallback fn that throws or rejects becomes the rejection of the call', async () => {
    const thrown = new Error('fallback bug');
    await assert.rejects(
      fallback({
        fn: () => {
          throw thrown;
        },
      }).execute(() => Promise.reject(new Error('down'))),
      thrown,
    );
    await assert.rejects(
      fallback({ fn: () => Promise.reject(thrown) }).execute(() => Promise.reject(new Error('x'))),
      thrown,
    );
  });

  it('when picks the errors it replaces; others pass through', async () => {
    const policy = fallback({ value: 0, when: (e) => e instanceof BreakerOpenError });
    const other = new Error('bad request');
    await assert.rejects(
      policy.execute(() => Promise.reject(other)),
      other,
    );
    assert.equal(await policy.execute(() => Promise.reject(new BreakerOpenError('b', 10))), 0);
  });

  it('replaces a breaker rejection (fn never ran)', async () => {
    const breaker = new CircuitBreaker();
    breaker.forceOpen();
    let calls = 0;
    const value = await wrap(fallback({ value: 'offline' }), breaker).execute(() => {
      calls++;
      return 'online';
    });
    assert.equal(value, 'offline');
    assert.equal(calls, 0);
  });

  it('a caller who aborted gets the reason, not the fallback', async () => {
    const controller = new AbortController();
    let made = 0;
    const policy = fallback({
      fn: () => {
        made++;
        return 'fb';
      },
    });
    const result = track(
      policy.execute(
        (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              reject(new Error('aborted inside'));
            });
          }),
        { signal: controller.signal },
      ),
    );
    controller.abort('left');
    await flush();
    assert.equal(result.error, 'left');
    assert.equal(made, 0);
    await assert.rejects(
      policy.execute(() => 1, { signal: AbortSignal.abort('gone') }),
      (e) => e === 'gone',
    );
  });

  it('is made at most once per call when an aggressive timeout settles before the work fails', async () => {
    const clock = new ManualClock();
    const work = deferred<string>();
    const errors: unknown[] = [];
    const policy = wrap(
      fallback({
        fn: (e) => {
          errors.push(e);
          return 'fb';
        },
      }),
      timeout({ ms: 100, clock, strategy: 'aggressive' }),
    );
    const result = track(policy.execute(() => work.promise));
    clock.advance(100);
    await flush();
    assert.equal(result.value, 'fb');
    work.reject(new Error('late'));
    await flush();
    assert.equal(errors.length, 1);
    assertInstanceOf(errors[0], CallTimeoutError);
  });

  it('accepts value: undefined, and validates its options', async () => {
    const result = track(fallback({ value: undefined }).execute(() => Promise.reject(new Error())));
    await flush();
    assert.deepEqual([result.settled, result.rejected, result.value], [true, false, undefined]);
    const cases: [unknown, string, string][] = [
      [{}, 'TypeError', 'fallback options need exactly one of value and fn, got []'],
      [
        { value: 1, fn: () => 2 },
        'TypeError',
        'fallback options need exactly one of value and fn, got ["value","fn"]',
      ],
      [{ fn: 'x' }, 'TypeError', 'fallback option fn must be a function, got "x"'],
      [{ value: 1, when: 1 }, 'TypeError', 'fallback option when must be a function, got 1'],
      [{ valeu: 1 }, 'TypeError', 'unknown fallback option valeu (did you mean value?)'],
    ];
    for (const [options, name, message] of cases) {
      assert.throws(() => fallback(options as { value: 1 }), { name, message }, message);
    }
  });
});
