import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { registerCoordinationMetrics } from './coordination-metrics.js';

describe('registerCoordinationMetrics', () => {
  it('exports up, staleness, instances reporting and the pooled failure rate', async () => {
    const registry = new Registry();
    const source = {
      status: 'up' as 'up' | 'degraded',
      stalenessSeconds: 0.25,
      fleet: () => [
        { name: 'payments', evaluation: { calls: 40, failures: 10, reporting: 3 } },
        { name: 'idle', evaluation: undefined },
      ],
    };
    const metrics = registerCoordinationMetrics(source, { registry });
    let text = await registry.metrics();
    assert.match(text, /^breakwater_coordination_up 1$/m);
    assert.match(text, /^breakwater_coordination_staleness_seconds 0\.25$/m);
    assert.match(text, /^breakwater_fleet_instances_reporting\{name="payments"\} 3$/m);
    assert.match(text, /^breakwater_fleet_failure_rate\{name="payments"\} 0\.25$/m);
    assert.match(text, /^breakwater_fleet_failure_rate\{name="idle"\} -1$/m);
    source.status = 'degraded';
    text = await registry.metrics();
    assert.match(text, /^breakwater_coordination_up 0$/m);
    metrics.close();
    assert.doesNotMatch(await registry.metrics(), /breakwater_coordination/);
  });
});
