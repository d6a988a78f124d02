// The breaker of observability.bench.ts and the exporters its target row attaches, shared with
// the instruction-count mode (instructions.ts) so that both measure the same configuration.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { CircuitBreaker } from '../src/index.js';
import { instrument } from '../src/observability/otel/index.js';
import { registerMetrics } from '../src/observability/prometheus/index.js';

/** The protected function of every observability case. */
export const ok = async (): Promise<number> => 1;

/** A closed breaker named `bench` with a 60 s open wait; `clock` replaces the real clock. */
export const observedBreaker = (clock?: { now(): number }): CircuitBreaker =>
  new CircuitBreaker({ name: 'bench', timeout: 60_000, ...(clock ? { clock } : {}) });

/** A tracer that records spans and exports them nowhere: the SDK's cost without an exporter's. */
export const recordingTracer = () => new BasicTracerProvider().getTracer('bench');

/**
 * The target row's setup: the Prometheus exporter on its own registry and OpenTelemetry
 * instrumentation (`mode: 'attributes'`) on the same breaker. Returns what closes both.
 */
export function attachBoth(
  breaker: CircuitBreaker,
  tracer = recordingTracer(),
): { registry: Registry; close: () => void } {
  const registry = new Registry();
  const handles = [
    registerMetrics(breaker, { registry }),
    instrument([breaker], { tracer, mode: 'attributes' }),
  ];
  return {
    registry,
    close: () => {
      for (const h of handles) h.close();
    },
  };
}
