// execute() and tryExecute() never throw, even with hostile getters on the call options and the
// signal, and callsInFlight never stays raised; abort-on-timeout reaches functions whose
// `length` is 0 although they take the signal (`(signal = x) =>`, `(...args) =>`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeBreaker } from '../../test/fixtures/core/support.js';
import type { CallOptions } from './circuit-breaker.js';
import { CallTimeoutError } from './errors.js';

const hostile = new Error('hostile getter');
const throwing = (): never => {
  throw hostile;
};

function hostileOptions(): CallOptions[] {
  const realSignal = new AbortController().signal;
  const abortedThrows = new Proxy(realSignal, {
    get: (target, key) => (key === 'aborted' ? throwing() : (Reflect.get(target, key) as unknown)),
  });
  const listenerThrows = {
    aborted: false,
    reason: undefined,
    addEventListener: throwing,
    removeEventListener: () => undefined,
  } as unknown as AbortSignal;
  const addGetterThrows = Object.defineProperty({}, 'addEventListener', { get: throwing });
  return [
    Object.defineProperty({}, 'signal', { get: throwing }),
    { signal: abortedThrows },
    { signal: listenerThrows },
    { signal: addGetterThrows as AbortSignal },
  ];
}

describe('hostile input', () => {
  for (const callTimeout of [undefined, 1000]) {
    it(`execute never throws and leaves nothing in flight (callTimeout ${String(callTimeout)})`, async () => {
      const { breaker } = makeBreaker(callTimeout === undefined ? {} : { callTimeout });
      for (const [i, options] of hostileOptions().entries()) {
        let promise: Promise<unknown> | undefined;
        assert.doesNotThrow(() => {
          promise = breaker.execute(() => 'ran', options);
        }, `case ${i}`);
        await assert.rejects(promise ?? Promise.resolve(), (e) => e === hostile, `case ${i}`);
        assert.equal(breaker.callsInFlight, 0, `case ${i}: callsInFlight`);
        const result = await breaker.tryExecute(() => 'ran', options);
        assert.deepEqual(result, { ok: false, error: hostile }, `tryExecute case ${i}`);
        assert.equal(breaker.callsInFlight, 0, `tryExecute case ${i}: callsInFlight`);
      }
      assert.equal(breaker.counts.totalFailures, 0, 'a hostile caller is not a dependency failure');
      assert.equal(breaker.state, 'closed');
    });
  }

  it('a function with a throwing length getter still runs, and gets an abortable signal', async () => {
    const { clock, breaker } = makeBreaker({ callTimeout: 100 });
    let seen: AbortSignal | undefined;
    const fn = (signal: AbortSignal): Promise<string> => {
      seen = signal;
      return new Promise(() => undefined);
    };
    Object.defineProperty(fn, 'length', { get: throwing });
    const call = breaker.execute(fn);
    clock.advance(100);
    await assert.rejects(call, CallTimeoutError);
    assert.equal(seen?.aborted, true);
    assert.equal(breaker.callsInFlight, 0);
  });

  it('abort-on-timeout reaches (signal = x) => and (...args) => functions', async () => {
    const { clock, breaker } = makeBreaker({ callTimeout: 100 });
    const seen: AbortSignal[] = [];
    const fallback = new AbortController().signal;
    const withDefault = (signal: AbortSignal = fallback): Promise<never> => {
      seen.push(signal);
      return new Promise(() => undefined);
    };
    const withRest = (...args: AbortSignal[]): Promise<never> => {
      if (args[0]) seen.push(args[0]);
      return new Promise(() => undefined);
    };
    assert.equal(withDefault.length, 0);
    assert.equal(withRest.length, 0);
    const calls = [breaker.execute(withDefault), breaker.execute(withRest)];
    clock.advance(100);
    for (const call of calls) await assert.rejects(call, CallTimeoutError);
    assert.equal(seen.length, 2);
    for (const signal of seen) {
      assert.equal(signal.aborted, true);
      assert.ok(signal.reason instanceof CallTimeoutError);
    }
  });

  it('a function that declares no parameter is passed the never-aborted signal', async () => {
    const { clock, breaker } = makeBreaker({ callTimeout: 100 });
    const passed: AbortSignal[] = [];
    const plain = [
      function named(): Promise<never> {
        // eslint-disable-next-line prefer-rest-params -- what was passed, without declaring it
        passed.push(arguments[0] as AbortSignal);
        return new Promise(() => undefined);
      },
    ];
    const call = breaker.execute(plain[0] as () => Promise<never>);
    clock.advance(100);
    await assert.rejects(call, CallTimeoutError);
    assert.equal(passed.length, 1);
    assert.equal(passed[0]?.aborted, false, 'no per-call controller was made for it');
  });
});
