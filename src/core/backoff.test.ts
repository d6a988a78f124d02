// Backoff of the open wait: `timeout: (opens) => ms`, where opens counts the opens since the
// breaker was last closed, and exponentialOpenBackoff.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, failUnchecked } from '../../test/fixtures/core/support.js';
import { ManualClock } from '../testing/manual-clock.js';
import { exponentialOpenBackoff } from './backoff.js';
import { CircuitBreaker } from './circuit-breaker.js';

describe('timeout as a function of the open count', () => {
  it('is called with 1, 2, 3 ... while probes fail, and with 1 again after closing', async () => {
    const clock = new ManualClock(T0);
    const asked: number[] = [];
    const breaker = new CircuitBreaker({
      clock,
      timeout: (opens) => {
        asked.push(opens);
        return opens * 1000;
      },
    });
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    assert.equal(breaker.retryAfter, 1000);
    for (const wait of [1000, 2000, 3000]) {
      clock.advance(wait - 1);
      assert.equal(breaker.state, 'open');
      clock.advance(1);
      assert.equal(breaker.state, 'half-open');
      await failUnchecked(breaker);
    }
    assert.equal(breaker.retryAfter, 4000);
    clock.advance(4000);
    await breaker.execute(() => 'ok');
    assert.equal(breaker.state, 'closed');
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    assert.equal(breaker.retryAfter, 1000);
    assert.deepEqual(asked, [1, 2, 3, 4, 1]);
  });

  it('a bad result or a throw falls back to 60000 ms with a warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      for (const timeout of [() => 0, () => -5, () => NaN, () => 'soon' as unknown as number]) {
        const breaker = new CircuitBreaker({ clock: new ManualClock(T0), name: 'b', timeout });
        for (let i = 0; i < 6; i++) await failUnchecked(breaker);
        assert.equal(breaker.retryAfter, 60_000);
      }
      const throwing = new CircuitBreaker({
        clock: new ManualClock(T0),
        name: 'b',
        timeout: () => {
          throw new Error('no wait for you');
        },
      });
      for (let i = 0; i < 6; i++) await failUnchecked(throwing);
      assert.equal(throwing.state, 'open');
      assert.equal(throwing.retryAfter, 60_000);
      await new Promise((r) => setImmediate(r));
      assert.equal(warnings.length, 5);
      assert.match(
        warnings[0] ?? '',
        /^breaker "b" timeout\(1\) threw: RangeError: returned 0; using 60000 ms/,
      );
      assert.match(warnings[4] ?? '', /^breaker "b" timeout\(1\) threw: Error: no wait for you/);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('exponentialOpenBackoff', () => {
  it('defaults: 1 s doubling up to 60 s', () => {
    const f = exponentialOpenBackoff();
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 100].map(f),
      [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000],
    );
  });

  it('custom initial, multiplier and max', () => {
    const f = exponentialOpenBackoff({ initial: 5000, multiplier: 1.5, max: 12_000 });
    assert.deepEqual([1, 2, 3, 4].map(f), [5000, 7500, 11_250, 12_000]);
    assert.equal(exponentialOpenBackoff({ multiplier: 1 })(50), 1000);
  });

  it('drives a breaker: waits grow per failed probe and restart after closing', async () => {
    const clock = new ManualClock(T0);
    const breaker = new CircuitBreaker({
      clock,
      timeout: exponentialOpenBackoff({ initial: 100, max: 350 }),
    });
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    const waits: number[] = [breaker.retryAfter];
    for (let i = 0; i < 4; i++) {
      clock.advance(breaker.retryAfter);
      await failUnchecked(breaker);
      waits.push(breaker.retryAfter);
    }
    assert.deepEqual(waits, [100, 200, 350, 350, 350]);
    clock.advance(350);
    await breaker.execute(() => 1);
    for (let i = 0; i < 6; i++) await failUnchecked(breaker);
    assert.equal(breaker.retryAfter, 100);
  });

  it('rejects bad options with a RangeError naming and quoting them', () => {
    const cases: [object, string][] = [
      [{ initial: 0 }, 'exponentialOpenBackoff option initial must be a finite number > 0, got 0'],
      [{ max: -1 }, 'exponentialOpenBackoff option max must be a finite number > 0, got -1'],
      [
        { multiplier: Infinity },
        'exponentialOpenBackoff option multiplier must be a finite number > 0, got Infinity',
      ],
      [
        { initial: 'abc' },
        'exponentialOpenBackoff option initial must be a finite number > 0, got "abc"',
      ],
      [{ max: NaN }, 'exponentialOpenBackoff option max must be a finite number > 0, got NaN'],
      [{ multiplier: 0.5 }, 'exponentialOpenBackoff option multiplier must be >= 1, got 0.5'],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => exponentialOpenBackoff(options), { name: 'RangeError', message });
    }
  });
});
