import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { fallback } from './fallback.js';
import { retry } from './retry.js';
import { wrap } from './wrap.js';

describe('calls without a signal of their own', () => {
  it('run 50 at once through fallback, retry and a breaker without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      const policy = wrap(fallback({ value: 0 }), retry(), new CircuitBreaker());
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          policy.execute(() => new Promise<number>((resolve) => setImmediate(resolve, 1))),
        ),
      );
      assert.deepEqual(
        results,
        Array.from({ length: 50 }, () => 1),
      );
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
