// The options table and what it drives: own properties only, getters that throw, null as "not
// given", the window size limits, O(1) window resets on state changes, a clock that reads NaN,
// and the shared "did you mean" and timer-limit helpers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, fail, makeBreaker } from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  BREAKER_OPTION_KEYS,
  BREAKER_OPTION_TABLE,
  MAX_COUNT_WINDOW,
  MAX_WINDOW_BUCKETS,
  TIMER_LIMIT_MS,
  didYouMean,
  unknownKeyMessage,
} from './option-table.js';
import { resolveOptions, type BreakerOptions } from './options.js';

describe('options table', () => {
  it('lists every option of BreakerOptions once, with a description', () => {
    const keys: Record<keyof BreakerOptions, true> = {
      name: true,
      maxRequests: true,
      interval: true,
      timeout: true,
      readyToTrip: true,
      isSuccessful: true,
      isExcluded: true,
      onStateChange: true,
      window: true,
      failureRateThreshold: true,
      slowCallDuration: true,
      slowCallRateThreshold: true,
      minimumCalls: true,
      callTimeout: true,
      halfOpenTimeout: true,
      clock: true,
      initialState: true,
      rules: true,
      random: true,
      confidence: true,
    };
    assert.deepEqual([...BREAKER_OPTION_KEYS].sort(), Object.keys(keys).sort());
    for (const spec of BREAKER_OPTION_TABLE) assert.ok(spec.description.length > 10, spec.key);
  });

  it('drives the range messages', () => {
    for (const spec of BREAKER_OPTION_TABLE) {
      if (spec.range === undefined || spec.belowMin !== undefined) continue;
      const bad = spec.range.max !== undefined ? spec.range.max + 1 : -1;
      const options = { [spec.key]: bad } as BreakerOptions;
      assert.throws(
        () => resolveOptions(options),
        (e) =>
          e instanceof RangeError &&
          e.message === `breaker option ${spec.key} must be ${spec.range?.text}, got ${bad}`,
        spec.key,
      );
    }
  });

  it('the shared helpers: didYouMean, unknownKeyMessage, TIMER_LIMIT_MS', () => {
    assert.equal(didYouMean('maxRequest', ['maxRequests', 'name']), ' (did you mean maxRequests?)');
    assert.equal(didYouMean('bucket', ['buckets'], 'window.'), ' (did you mean window.buckets?)');
    assert.equal(didYouMean('zzzzzzzz', ['name']), '');
    // At the limit (distance 2 for a short key) still a hint; one more edit is none.
    assert.equal(didYouMean('abcd', ['abxy']), ' (did you mean abxy?)');
    assert.equal(didYouMean('abcd', ['axyz']), '');
    assert.equal(
      unknownKeyMessage('pool option', 'acquireTimout', ['acquireTimeout']),
      'unknown pool option acquireTimout (did you mean acquireTimeout?)',
    );
    assert.equal(TIMER_LIMIT_MS, 2147483647);
    assert.doesNotThrow(() => resolveOptions({ callTimeout: TIMER_LIMIT_MS }));
    assert.throws(() => resolveOptions({ callTimeout: TIMER_LIMIT_MS + 1 }), RangeError);
  });
});

describe('reading options', () => {
  it('reads own properties only: an option on Object.prototype is not an option', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.callTimeout = 1;
    proto.maxRequests = 'x';
    try {
      const o = resolveOptions({});
      assert.equal(o.callTimeout, undefined);
      assert.equal(o.maxRequests, 1);
      const { breaker } = makeBreaker({ window: { kind: 'count', size: 3 } });
      assert.equal(breaker.settings.callTimeout, undefined);
      assert.deepEqual(breaker.settings.window, { kind: 'count', size: 3 });
    } finally {
      delete proto.callTimeout;
      delete proto.maxRequests;
    }
    const inherited = Object.create({ timeout: 5 }) as BreakerOptions;
    assert.equal(resolveOptions(inherited).timeout, 60_000);
  });

  it('a getter that throws gives a TypeError naming the option, with the cause', () => {
    const cause = new Error('no access');
    const options = {
      get callTimeout(): number {
        throw cause;
      },
    };
    assert.throws(
      () => new CircuitBreaker(options),
      (e) =>
        e instanceof TypeError &&
        e.message === 'breaker option callTimeout: reading it threw: no access' &&
        e.cause === cause,
    );
    const window = {
      kind: 'count',
      get size(): number {
        throw new Error('nope');
      },
    };
    assert.throws(
      () => new CircuitBreaker({ window } as BreakerOptions),
      /breaker option window\.size: reading it threw: nope/,
    );
    const hooks = {
      get onStateChange(): () => void {
        throw new Error('hook');
      },
    };
    assert.throws(
      () => new CircuitBreaker(hooks),
      /breaker option onStateChange: reading it threw: hook/,
    );
  });

  it('a getter runs once per construction', () => {
    let reads = 0;
    const options = {
      get maxRequests(): number {
        reads++;
        return 2;
      },
    };
    assert.equal(new CircuitBreaker(options).settings.maxRequests, 2);
    assert.equal(reads, 1);
  });

  it('null is a wrong type for every option: a TypeError naming it', () => {
    for (const key of BREAKER_OPTION_KEYS) {
      assert.throws(
        () => new CircuitBreaker({ [key]: null }),
        (e) => e instanceof TypeError && e.message.includes(key) && e.message.endsWith('null'),
        key,
      );
    }
    assert.equal(new CircuitBreaker({ name: undefined }).name, '', 'undefined: the default');
  });

  it('a clock whose now() reads NaN or a string is rejected naming the clock', () => {
    for (const bad of [NaN, '1000', undefined]) {
      assert.throws(
        () => new CircuitBreaker({ clock: { now: () => bad as number } }),
        (e) =>
          e instanceof TypeError &&
          e.message.startsWith('breaker option clock: now() must return a number of ms, got'),
        String(bad),
      );
    }
    assert.doesNotThrow(() => new CircuitBreaker({ clock: new ManualClock(T0) }));
  });
});

describe('window limits', () => {
  it('a count window above the maximum is a RangeError naming window.size', () => {
    assert.doesNotThrow(() =>
      resolveOptions({ window: { kind: 'count', size: MAX_COUNT_WINDOW } }),
    );
    for (const size of [MAX_COUNT_WINDOW + 1, 2 ** 40]) {
      assert.throws(
        () => new CircuitBreaker({ window: { kind: 'count', size } }),
        (e) =>
          e instanceof RangeError &&
          e.message ===
            `breaker option window.size must be at most ${MAX_COUNT_WINDOW} calls for a count window, got ${size}`,
      );
    }
  });

  it('a time window with too many buckets is a RangeError naming window.buckets', () => {
    const buckets = MAX_WINDOW_BUCKETS * 2;
    assert.throws(
      () => new CircuitBreaker({ window: { kind: 'time', size: buckets * 10, buckets } }),
      (e) =>
        e instanceof RangeError &&
        e.message ===
          `breaker option window.buckets must be at most ${MAX_WINDOW_BUCKETS}, got ${buckets}`,
    );
  });

  it('a state change costs O(1) in the window size: no typed array is filled', async () => {
    const fills: number[] = [];
    const counted = [Uint8Array.prototype, Float64Array.prototype, Uint32Array.prototype];
    const originals = counted.map((proto) => Reflect.get(proto, 'fill') as unknown);
    for (const proto of counted) {
      const original = Reflect.get(proto, 'fill') as (this: unknown, ...args: unknown[]) => unknown;
      (proto as { fill: unknown }).fill = function (this: { length: number }, ...args: unknown[]) {
        // A fill of the whole array (no range): what an O(size) reset does.
        if (args.length <= 1) fills.push(this.length);
        return original.apply(this, args);
      };
    }
    try {
      for (const window of [
        { kind: 'count', size: MAX_COUNT_WINDOW },
        { kind: 'time', size: 60_000, buckets: 60 },
      ] as const) {
        const { clock, breaker } = makeBreaker({ timeout: 1000, window, failureRateThreshold: 50 });
        await fail(breaker);
        assert.equal(breaker.state, 'open');
        clock.advance(1000);
        assert.equal(breaker.state, 'half-open');
        breaker.reset();
        breaker.forceOpen();
        breaker.disable();
        breaker.reset();
        assert.deepEqual(fills, [], `${window.kind}: no whole-array fill on a state change`);
      }
    } finally {
      counted.forEach((proto, i) => {
        (proto as { fill: unknown }).fill = originals[i];
      });
    }
  });
});
