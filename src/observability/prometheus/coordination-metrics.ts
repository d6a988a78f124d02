// Fleet coordination series (breakwater/redis), read from a coordinator at scrape time. Typed
// structurally, so this subpath needs neither ioredis nor the distributed module at run time.
import { Gauge, register as globalRegistry } from 'prom-client';
import type { AnyRegistry } from './register-metrics.js';

/** Series names of fleet coordination. */
export const coordinationMetricNames = {
  /** Gauge: 1 while the coordinator's store answers, 0 while degraded. */
  up: 'breakwater_coordination_up',
  /** Gauge: seconds since the store last answered. */
  staleness: 'breakwater_coordination_staleness_seconds',
  /** Gauge `{name}`: instances with calls in the pooled window. */
  instances: 'breakwater_fleet_instances_reporting',
  /** Gauge `{name}`: pooled failures / calls, 0..1; -1 with no pooled calls. */
  failureRate: 'breakwater_fleet_failure_rate',
} as const;

/** What the series read from a `RedisCoordinator`. */
export interface CoordinationSource {
  readonly status: 'up' | 'degraded';
  readonly stalenessSeconds: number;
  fleet(): readonly {
    name: string;
    evaluation: { calls: number; failures: number; reporting: number } | undefined;
  }[];
}

/**
 * Registers the coordination series of `coordinator` in `registry` (default prom-client's
 * global one); `close()` removes them.
 */
export function registerCoordinationMetrics(
  coordinator: CoordinationSource,
  options: { registry?: AnyRegistry } = {},
): { close(): void } {
  const registry = options.registry ?? globalRegistry;
  const n = coordinationMetricNames;
  const gauges = [
    new Gauge({
      name: n.up,
      help: 'Fleet coordination store answering (1) or degraded (0)',
      registers: [registry],
      collect() {
        this.set(coordinator.status === 'up' ? 1 : 0);
      },
    }),
    new Gauge({
      name: n.staleness,
      help: 'Seconds since the coordination store last answered',
      registers: [registry],
      collect() {
        const s = coordinator.stalenessSeconds;
        this.set(Number.isFinite(s) ? s : -1);
      },
    }),
    new Gauge({
      name: n.instances,
      help: 'Instances with calls in the pooled window',
      labelNames: ['name'],
      registers: [registry],
      collect() {
        this.reset();
        for (const f of coordinator.fleet())
          this.set({ name: f.name }, f.evaluation?.reporting ?? 0);
      },
    }),
    new Gauge({
      name: n.failureRate,
      help: 'Pooled failure rate of the fleet, 0..1 (-1 without pooled calls)',
      labelNames: ['name'],
      registers: [registry],
      collect() {
        this.reset();
        for (const f of coordinator.fleet()) {
          const e = f.evaluation;
          this.set({ name: f.name }, e && e.calls > 0 ? e.failures / e.calls : -1);
        }
      },
    }),
  ];
  return {
    close() {
      for (const name of Object.values(n)) registry.removeSingleMetric(name);
      gauges.length = 0;
    },
  };
}
