import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../testing/seeded-random.js';
import { constantBackoff, decorrelatedJitterBackoff, exponentialBackoff } from './backoff.js';

const fixed = (value: number) => () => value;

describe('constantBackoff', () => {
  it('returns the same wait for every attempt', () => {
    const b = constantBackoff(250);
    assert.deepEqual(
      [1, 2, 10].map((attempt) => b({ attempt, previous: 0, random: fixed(0.5) })),
      [250, 250, 250],
    );
  });

  it('rejects a missing or bad ms, naming it', () => {
    assert.throws(() => constantBackoff(undefined as unknown as number), {
      name: 'TypeError',
      message: 'constantBackoff(ms): ms is required',
    });
    assert.throws(() => constantBackoff(-1), {
      name: 'RangeError',
      message: 'constantBackoff option ms must be a number >= 0, got -1',
    });
    assert.throws(() => constantBackoff(NaN), {
      name: 'TypeError',
      message: 'constantBackoff option ms must be a number, got NaN',
    });
  });
});

describe('exponentialBackoff', () => {
  it('without jitter: initial * multiplier^(attempt-1), capped at max', () => {
    const b = exponentialBackoff({ initial: 100, max: 1000, multiplier: 3, jitter: 'none' });
    const delays = [1, 2, 3, 4, 5].map((attempt) =>
      b({ attempt, previous: 0, random: fixed(0.99) }),
    );
    assert.deepEqual(delays, [100, 300, 900, 1000, 1000]);
  });

  it('defaults: 100 ms doubling to 10 s with full jitter (uniform in [0, base))', () => {
    const b = exponentialBackoff();
    const at = (attempt: number, r: number) => b({ attempt, previous: 0, random: fixed(r) });
    assert.equal(at(1, 0.5), 50);
    assert.equal(at(2, 0.5), 100);
    assert.equal(at(1, 0), 0);
    assert.equal(at(7, 0.5), 3200);
    assert.equal(at(8, 0.5), 5000); // base 12800 capped at 10000
    assert.equal(at(1000, 0.25), 2500); // no overflow to Infinity or NaN
  });

  it('equal jitter stays within [base/2, base)', () => {
    const b = exponentialBackoff({ initial: 200, jitter: 'equal' });
    assert.equal(b({ attempt: 1, previous: 0, random: fixed(0) }), 100);
    assert.equal(b({ attempt: 1, previous: 0, random: fixed(0.5) }), 150);
    assert.equal(b({ attempt: 2, previous: 0, random: fixed(0.5) }), 300);
  });

  it('with a seeded random, the sequence is reproducible', () => {
    const b = exponentialBackoff({ initial: 100 });
    const run = () => {
      const random = seededRandom(42);
      return [1, 2, 3].map((attempt) => b({ attempt, previous: 0, random }));
    };
    const expectedRandom = seededRandom(42);
    const expected = [100, 200, 400].map((base) => expectedRandom() * base);
    assert.deepEqual(run(), expected);
    assert.deepEqual(run(), expected);
  });

  it('validates its options, naming the option and quoting the value', () => {
    assert.throws(() => exponentialBackoff({ initial: 0 }), {
      name: 'RangeError',
      message: 'exponentialBackoff option initial must be a number > 0, got 0',
    });
    assert.throws(() => exponentialBackoff({ initial: 100, max: 50 }), {
      name: 'RangeError',
      message: 'exponentialBackoff option max must be a number >= 100, got 50',
    });
    assert.throws(() => exponentialBackoff({ multiplier: 0.5 }), {
      name: 'RangeError',
      message: 'exponentialBackoff option multiplier must be a number >= 1, got 0.5',
    });
    assert.throws(() => exponentialBackoff({ jitter: 'half' as 'full' }), {
      name: 'TypeError',
      message: `exponentialBackoff option jitter must be 'full', 'equal' or 'none', got "half"`,
    });
    assert.throws(() => exponentialBackoff({ inital: 5 } as object), {
      name: 'TypeError',
      message: 'unknown exponentialBackoff option inital (did you mean initial?)',
    });
  });
});

describe('decorrelatedJitterBackoff', () => {
  it('draws from [initial, 3 * previous], starting from initial, capped at max', () => {
    const b = decorrelatedJitterBackoff({ initial: 100, max: 1000 });
    // previous 0: upper = 3 * initial
    assert.equal(b({ attempt: 1, previous: 0, random: fixed(0) }), 100);
    assert.equal(b({ attempt: 1, previous: 0, random: fixed(0.5) }), 200);
    assert.equal(b({ attempt: 2, previous: 200, random: fixed(0.5) }), 350);
    assert.equal(b({ attempt: 3, previous: 900, random: fixed(0.5) }), 1000);
  });

  it('validates its options', () => {
    assert.throws(() => decorrelatedJitterBackoff({ initial: -5 }), {
      name: 'RangeError',
      message: 'decorrelatedJitterBackoff option initial must be a number > 0, got -5',
    });
    assert.throws(() => decorrelatedJitterBackoff({ max: Infinity }), {
      name: 'RangeError',
      message: 'decorrelatedJitterBackoff option max must be a number >= 100, got Infinity',
    });
  });
});
