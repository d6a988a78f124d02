// Option validation: every bad value throws a TypeError (wrong type) or a RangeError (out of
// range) naming the option and quoting the value; unknown keys get a "did you mean" hint. The
// messages are asserted exactly. Also the quote() and suggest() helpers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { editDistance, quote, resolveOptions, suggest, type BreakerOptions } from './options.js';

type Row = [label: string, options: unknown, kind: 'TypeError' | 'RangeError', message: string];

const count10 = { kind: 'count', size: 10 } as const;

const rows: Row[] = [
  ['options not an object', 5, 'TypeError', 'breaker options must be an object, got 5'],
  ['options null', null, 'TypeError', 'breaker options must be an object, got null'],
  [
    'unknown option, with a hint',
    { maxRequest: 3 },
    'TypeError',
    'unknown breaker option maxRequest (did you mean maxRequests?)',
  ],
  [
    'unknown option, case slip',
    { TimeOut: 3 },
    'TypeError',
    'unknown breaker option TimeOut (did you mean timeout?)',
  ],
  [
    'unknown option, no close match',
    { zzzzzzzz: 1 },
    'TypeError',
    'unknown breaker option zzzzzzzz',
  ],
  ['name', { name: 5 }, 'TypeError', 'breaker option name must be a string, got 5'],
  [
    'maxRequests type',
    { maxRequests: '3' },
    'TypeError',
    'breaker option maxRequests must be a number, got "3"',
  ],
  [
    'maxRequests NaN',
    { maxRequests: NaN },
    'TypeError',
    'breaker option maxRequests must be a number, got NaN',
  ],
  [
    'maxRequests fraction',
    { maxRequests: 1.5 },
    'RangeError',
    'breaker option maxRequests must be an integer, got 1.5',
  ],
  [
    'maxRequests Infinity',
    { maxRequests: Infinity },
    'RangeError',
    'breaker option maxRequests must be an integer, got Infinity',
  ],
  [
    'interval type',
    { interval: '1s' },
    'TypeError',
    'breaker option interval must be a number, got "1s"',
  ],
  [
    'timeout type',
    { timeout: true },
    'TypeError',
    'breaker option timeout must be a number, got true',
  ],
  [
    'window not an object',
    { window: 'count' },
    'TypeError',
    `breaker option window must be an object like { kind: 'count', size: 100 }, got "count"`,
  ],
  [
    'unknown window kind',
    { window: { kind: 'sliding', size: 10 } },
    'TypeError',
    `breaker option window.kind must be 'count' or 'time', got "sliding"`,
  ],
  [
    'missing window kind',
    { window: { size: 10 } },
    'TypeError',
    `breaker option window.kind must be 'count' or 'time', got undefined`,
  ],
  [
    'window size 0',
    { window: { kind: 'count', size: 0 } },
    'RangeError',
    'breaker option window.size must be an integer >= 1, got 0',
  ],
  [
    'window size fraction',
    { window: { kind: 'time', size: 99.5 } },
    'RangeError',
    'breaker option window.size must be an integer >= 1, got 99.5',
  ],
  [
    'window size missing',
    { window: { kind: 'count' } },
    'RangeError',
    'breaker option window.size must be an integer >= 1, got undefined',
  ],
  [
    'buckets that do not divide the window',
    { window: { kind: 'time', size: 1000, buckets: 3 } },
    'RangeError',
    'breaker option window.buckets (3) must divide window.size (1000 ms) into whole milliseconds',
  ],
  [
    'more buckets than milliseconds',
    { window: { kind: 'time', size: 5, buckets: 10 } },
    'RangeError',
    'breaker option window.buckets (10) must divide window.size (5 ms) into whole milliseconds',
  ],
  [
    'buckets 0',
    { window: { kind: 'time', size: 1000, buckets: 0 } },
    'RangeError',
    'breaker option window.buckets must be an integer >= 1, got 0',
  ],
  [
    'buckets on a count window',
    { window: { kind: 'count', size: 10, buckets: 2 } },
    'TypeError',
    'unknown breaker option window.buckets',
  ],
  [
    'window key typo',
    { window: { kind: 'time', size: 1000, bucket: 10 } },
    'TypeError',
    'unknown breaker option window.bucket (did you mean window.buckets?)',
  ],
  [
    'threshold 150',
    { window: count10, failureRateThreshold: 150 },
    'RangeError',
    'breaker option failureRateThreshold must be a percentage in (0, 100], got 150',
  ],
  [
    'threshold 0',
    { window: count10, failureRateThreshold: 0 },
    'RangeError',
    'breaker option failureRateThreshold must be a percentage in (0, 100], got 0',
  ],
  [
    'threshold type',
    { window: count10, failureRateThreshold: '50%' },
    'TypeError',
    'breaker option failureRateThreshold must be a number, got "50%"',
  ],
  [
    'slow threshold -1',
    { window: count10, slowCallDuration: 10, slowCallRateThreshold: -1 },
    'RangeError',
    'breaker option slowCallRateThreshold must be a percentage in (0, 100], got -1',
  ],
  [
    'threshold without a window',
    { failureRateThreshold: 50 },
    'TypeError',
    `breaker option failureRateThreshold needs a window (e.g. window: { kind: 'count', size: 100 })`,
  ],
  [
    'slow threshold without a window',
    { slowCallDuration: 10, slowCallRateThreshold: 50 },
    'TypeError',
    `breaker option slowCallRateThreshold needs a window (e.g. window: { kind: 'count', size: 100 })`,
  ],
  [
    'slow threshold without slowCallDuration',
    { window: count10, slowCallRateThreshold: 50 },
    'TypeError',
    'breaker option slowCallRateThreshold needs slowCallDuration',
  ],
  [
    'negative slowCallDuration',
    { slowCallDuration: -1 },
    'RangeError',
    'breaker option slowCallDuration must be >= 0 ms, got -1',
  ],
  [
    'minimumCalls 0',
    { minimumCalls: 0 },
    'RangeError',
    'breaker option minimumCalls must be an integer >= 1, got 0',
  ],
  [
    'minimumCalls fraction',
    { minimumCalls: 2.5 },
    'RangeError',
    'breaker option minimumCalls must be an integer >= 1, got 2.5',
  ],
  [
    'negative callTimeout',
    { callTimeout: -5 },
    'RangeError',
    'breaker option callTimeout must be > 0 and < 2^31 ms, got -5',
  ],
  [
    'zero callTimeout',
    { callTimeout: 0 },
    'RangeError',
    'breaker option callTimeout must be > 0 and < 2^31 ms, got 0',
  ],
  [
    'callTimeout beyond a timer',
    { callTimeout: 2 ** 31 },
    'RangeError',
    'breaker option callTimeout must be > 0 and < 2^31 ms, got 2147483648',
  ],
  [
    'infinite callTimeout',
    { callTimeout: Infinity },
    'RangeError',
    'breaker option callTimeout must be > 0 and < 2^31 ms, got Infinity',
  ],
  [
    'halfOpenTimeout 0',
    { halfOpenTimeout: 0 },
    'RangeError',
    'breaker option halfOpenTimeout must be > 0 ms (Infinity: off), got 0',
  ],
  [
    'non-function readyToTrip',
    { readyToTrip: 5 },
    'TypeError',
    'breaker option readyToTrip must be a function, got 5',
  ],
  [
    'non-function isSuccessful',
    { isSuccessful: true },
    'TypeError',
    'breaker option isSuccessful must be a function, got true',
  ],
  [
    'non-function isExcluded',
    { isExcluded: 'x' },
    'TypeError',
    'breaker option isExcluded must be a function, got "x"',
  ],
  [
    'non-function onStateChange',
    { onStateChange: {} },
    'TypeError',
    'breaker option onStateChange must be a function, got {}',
  ],
  [
    'clock without now()',
    { clock: {} },
    'TypeError',
    'breaker option clock must have a now() method, got {}',
  ],
  [
    'clock as a function',
    { clock: () => 1 },
    'TypeError',
    'breaker option clock must have a now() method, got a function',
  ],
];

describe('option validation', () => {
  for (const [label, options, kind, message] of rows) {
    it(label, () => {
      assert.throws(() => new CircuitBreaker(options as BreakerOptions), { name: kind, message });
    });
  }

  it('every valid option is accepted together', () => {
    const b = new CircuitBreaker({
      name: 'all',
      maxRequests: 2,
      interval: 1000,
      timeout: (n) => n * 10,
      readyToTrip: () => false,
      isSuccessful: () => false,
      isExcluded: () => false,
      onStateChange: () => undefined,
      window: { kind: 'time', size: 1000 },
      failureRateThreshold: 100,
      slowCallDuration: 0,
      slowCallRateThreshold: 0.5,
      minimumCalls: 3,
      callTimeout: 2 ** 31 - 1,
      halfOpenTimeout: Infinity,
      clock: new ManualClock(),
    });
    assert.deepEqual(b.settings.window, { kind: 'time', size: 1000, buckets: 10 });
    assert.equal(b.settings.minimumCalls, 3);
  });

  it('undefined values mean "not given"', () => {
    const o = resolveOptions({ name: undefined, maxRequests: undefined, window: undefined });
    assert.equal(o.name, '');
    assert.equal(o.maxRequests, 1);
  });

  it('coerces as documented rather than throwing', () => {
    const o = resolveOptions({ maxRequests: -7, interval: -1, timeout: -1 });
    assert.equal(o.maxRequests, 1);
    assert.equal(o.interval, 0);
    assert.equal(o.timeout, 60_000);
  });
});

describe('helpers', () => {
  it('quote() shows values as they were given', () => {
    assert.equal(quote('a"b'), '"a\\"b"');
    assert.equal(quote(12), '12');
    assert.equal(quote(NaN), 'NaN');
    assert.equal(quote(-Infinity), '-Infinity');
    assert.equal(quote(undefined), 'undefined');
    assert.equal(quote(null), 'null');
    assert.equal(quote(10n), '10n');
    assert.equal(quote(Symbol('s')), 'Symbol(s)');
    assert.equal(
      quote(() => 1),
      'a function',
    );
    assert.equal(quote({ a: [1] }), '{"a":[1]}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(quote(cyclic), '[object Object]');
  });

  it('editDistance() is the Levenshtein distance', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('timeout', 'timeout'), 0);
  });

  it('suggest() offers the closest candidate only when it is close', () => {
    const keys = ['maxRequests', 'interval', 'timeout', 'callTimeout'];
    assert.equal(suggest('maxrequests', keys), 'maxRequests');
    assert.equal(suggest('intervall', keys), 'interval');
    assert.equal(suggest('calltimeout', keys), 'callTimeout');
    assert.equal(suggest('qqqqqqqqqqq', keys), undefined);
    assert.equal(suggest('x', []), undefined);
  });
});
