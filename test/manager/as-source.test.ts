import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { CircuitBreakerManager } from '../../src/manager/index.js';
import { registerMetrics } from '../../src/observability/prometheus/index.js';
import { ManualClock } from '../../src/testing/index.js';

function stateLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('breakwater_circuitbreaker_state{'))
    .sort();
}

describe('the manager as a breaker source', () => {
  it('exports every service breaker, follows new ones and drops evicted ones', async () => {
    const clock = new ManualClock(0);
    const manager = new CircuitBreakerManager({
      clock,
      idleTimeout: 60_000,
      defaults: { readyToTrip: (c) => c.consecutiveFailures >= 1 },
    });
    const registry = new Registry();
    const metrics = registerMetrics(manager, { registry });
    await manager.execute('payments', () => 'ok');
    await assert.rejects(manager.execute('inventory', () => Promise.reject(new Error('down'))));
    assert.deepEqual(stateLines(await registry.metrics()), [
      'breakwater_circuitbreaker_state{name="inventory",state="closed"} 0',
      'breakwater_circuitbreaker_state{name="inventory",state="half-open"} 0',
      'breakwater_circuitbreaker_state{name="inventory",state="open"} 1',
      'breakwater_circuitbreaker_state{name="payments",state="closed"} 1',
      'breakwater_circuitbreaker_state{name="payments",state="half-open"} 0',
      'breakwater_circuitbreaker_state{name="payments",state="open"} 0',
    ]);
    assert.equal(manager.remove('payments'), true);
    const after = stateLines(await registry.metrics());
    assert.equal(after.filter((line) => line.includes('"payments"')).length, 0, after.join('\n'));
    assert.equal(after.filter((line) => line.includes('"inventory"')).length, 3, after.join('\n'));
    assert.deepEqual(
      [...manager.breakers()].map((b) => b.name),
      ['inventory'],
    );
    metrics.close();
    manager.close();
  });
});
