// seededRandom: deterministic, in [0, 1), and spread evenly enough for jitter and chaos tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from './seeded-random.js';

const draw = (seed: number, n: number): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random());
};

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    assert.deepEqual(draw(42, 100), draw(42, 100));
    assert.notDeepEqual(draw(42, 100), draw(43, 100));
  });

  it('takes the seed as a 32-bit integer', () => {
    assert.deepEqual(draw(2 ** 32 + 5, 10), draw(5, 10));
    assert.deepEqual(draw(-1, 10), draw(2 ** 32 - 1, 10));
  });

  it('stays in [0, 1) and spreads over ten equal bins', () => {
    const values = draw(1, 100_000);
    const bins = Array<number>(10).fill(0);
    for (const v of values) {
      assert.ok(v >= 0 && v < 1);
      bins[Math.floor(v * 10)] = (bins[Math.floor(v * 10)] ?? 0) + 1;
    }
    for (const count of bins) assert.ok(count > 9_500 && count < 10_500, `bin of ${count}`);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  });

  it('does not repeat early', () => {
    assert.equal(new Set(draw(9, 10_000)).size, 10_000);
  });
});
