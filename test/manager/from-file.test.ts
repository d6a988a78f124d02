// The example config files in examples/config/, loaded the way users load them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { parseConfig } from '../../src/manager/config/loader.js';
import { DependencyOpenError } from '../../src/manager/errors.js';
import { CircuitBreakerManager } from '../../src/manager/manager.js';
import type { ManagerSettings } from '../../src/manager/types.js';

const example = (name: string): string =>
  fileURLToPath(new URL(`../../examples/config/${name}`, import.meta.url));

const expected: ManagerSettings = {
  defaults: {
    timeout: 30_000,
    consecutiveFailures: 5,
    maxRequests: 2,
    callTimeout: 5000,
    halfOpenTimeout: 60_000,
  },
  // A null-prototype table, so that a service may be called `__proto__`.
  services: Object.assign(Object.create(null) as NonNullable<ManagerSettings['services']>, {
    postgres: { timeout: { initial: 1000, max: 60_000, multiplier: 2 } },
    ledger: { dependsOn: ['postgres'] },
    'fraud-check': { callTimeout: 800 },
    payments: {
      timeout: 10_000,
      window: { kind: 'time', size: 60_000, buckets: 12 },
      failureRateThreshold: 50,
      minimumCalls: 20,
      slowCallDuration: 2000,
      slowCallRateThreshold: 80,
      dependsOn: ['ledger', 'fraud-check'],
    },
    search: { window: { kind: 'count', size: 100 }, failureRateThreshold: 60, minimumCalls: 10 },
    'api.partner.example.com': { timeout: 120_000, interval: 60_000 },
  }),
  idleTimeout: 600_000,
  cascadeThreshold: 50,
  cascadeMinimumOpen: 3,
};

const boom = (): Promise<never> => Promise.reject(new Error('boom'));

describe('examples/config', () => {
  it('breakwater.yaml reads as the settings it documents', async () => {
    const text = await readFile(example('breakwater.yaml'), 'utf8');
    assert.deepEqual(parseConfig(text, 'yaml'), expected);
  });

  it('breakwater.json says the same in JSON', async () => {
    const text = await readFile(example('breakwater.json'), 'utf8');
    assert.deepEqual(parseConfig(text, 'json'), expected);
  });

  it('fromFile builds a manager that behaves as the file says', async () => {
    const clock = new ManualClock();
    const manager = await CircuitBreakerManager.fromFile(example('breakwater.yaml'), { clock });
    try {
      const payments = manager.get('payments').settings;
      assert.equal(payments.timeout, 10_000);
      assert.equal(payments.maxRequests, 2);
      assert.equal(payments.callTimeout, 5000);
      assert.deepEqual(payments.window, { kind: 'time', size: 60_000, buckets: 12 });
      assert.equal(payments.failureRateThreshold, 50);
      assert.equal(payments.slowCallRateThreshold, 80);
      assert.equal(manager.get('fraud-check').settings.callTimeout, 800);
      assert.equal(manager.get('api.partner.example.com').settings.interval, 60_000);

      // postgres: 5 failures trip it; its backoff starts at 1 s.
      for (let i = 0; i < 4; i++) await assert.rejects(manager.execute('postgres', boom));
      assert.equal(manager.get('postgres').state, 'closed');
      await assert.rejects(manager.execute('postgres', boom));
      assert.equal(manager.get('postgres').retryAfter, 1000);
      await assert.rejects(
        manager.execute('payments', () => 'paid'),
        (error: unknown) => {
          assert.ok(error instanceof DependencyOpenError);
          assert.deepEqual(error.path, ['payments', 'ledger', 'postgres']);
          return true;
        },
      );

      // A service the file does not list gets the defaults, and is dropped after 10 idle minutes.
      const other = manager.get('recommendations').settings;
      assert.equal(other.timeout, 30_000);
      assert.equal(other.halfOpenTimeout, 60_000);
      clock.advance(599_999);
      assert.equal(manager.has('recommendations'), true);
      clock.advance(1);
      assert.equal(manager.has('recommendations'), false);
      assert.equal(manager.has('postgres'), true, 'open: never dropped');
    } finally {
      manager.close();
    }
  });

  it('code supplies what a file cannot say, and the file wins where both set a key', async () => {
    const clock = new ManualClock();
    const isExcluded = (e: unknown): boolean => (e as Error).message === 'cancelled';
    const manager = await CircuitBreakerManager.fromFile(example('breakwater.json'), {
      clock,
      defaults: { isExcluded, timeout: 1 },
      services: { search: { maxRequests: 7, minimumCalls: 1 } },
    });
    try {
      const search = manager.get('search').settings;
      assert.equal(search.isExcluded, isExcluded);
      assert.equal(search.timeout, 30_000, 'file defaults over code defaults');
      assert.equal(search.maxRequests, 7, 'a code-only key stays');
      assert.equal(search.minimumCalls, 10, 'file over code');
      assert.equal(search.clock, clock);
    } finally {
      manager.close();
    }
  });
});
