import { Registry } from 'prom-client';
import { CircuitBreakerManager } from '../../src/index.js';
import { registerMetrics } from '../../src/observability/prometheus/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock(); // calls take 0 s here, which keeps the output short
const manager = new CircuitBreakerManager({
  clock,
  defaults: { window: { kind: 'count', size: 10 }, failureRateThreshold: 50, minimumCalls: 4 },
});
const registry = new Registry();
// A manager is a breaker source: breakers it makes later are exported too, and evicted ones
// disappear from the next scrape.
const metrics = registerMetrics(manager, { registry, buckets: [0.1, 1] });

for (const ok of [true, false, true, false, false]) {
  await manager.tryExecute('search', () => (ok ? 'hits' : Promise.reject(new Error('503'))));
}

const text = await registry.metrics(); // what GET /metrics serves
const shown = [
  'state',
  'transitions_total',
  'not_permitted',
  'failure_rate',
  'calls_seconds_count',
  'config',
];
for (const line of text.split('\n')) {
  if (shown.some((s) => line.startsWith(`breakwater_circuitbreaker_${s}`))) console.log(line);
}
metrics.close();
manager.close();
