// Cost of observing a breaker: the same closed breaker unobserved, with the Prometheus exporter,
// with OpenTelemetry instrumentation, and with both, as ratios to a bare awaited call and to the
// unobserved breaker, measured in one run (target: both exporters <= 1.5x the unobserved breaker).
import { context, trace } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { instrument, traced } from '../src/observability/otel/index.js';
import { registerMetrics } from '../src/observability/prometheus/index.js';
import {
  CALLS,
  ROUNDS,
  bestOf,
  formatNs,
  formatRatio,
  printTable,
  verdict,
  warmUp,
  type Loop,
} from './harness.js';
import { observedBreaker, ok, recordingTracer } from './observability-subjects.js';

const TARGET = 1.5;
const make = observedBreaker;

export async function run(): Promise<void> {
  // Recording spans, exported nowhere: the cost of the SDK without an exporter's.
  const tracer = recordingTracer();

  const plain = make();
  const prom = make();
  const otel = make();
  const both = make();
  const bothInSpan = make();
  // A clock that is never read for real: what is left once the core's two clock reads per
  // observed call (start and end, ~35 ns each here) are taken out.
  const frozen = { now: () => 0 };
  const bothFrozen = make(frozen);
  const tracedBreaker = make();

  const registries = Array.from({ length: 4 }, () => new Registry());
  const handles = [
    registerMetrics(prom, { registry: registries[0]! }),
    registerMetrics(both, { registry: registries[1]! }),
    registerMetrics(bothInSpan, { registry: registries[2]! }),
    registerMetrics(bothFrozen, { registry: registries[3]! }),
    instrument([otel, both, bothInSpan, bothFrozen], { tracer, mode: 'attributes' }),
  ];
  const spanTraced = traced(tracedBreaker, { tracer, mode: 'span' });
  // One long-lived recording span made active for the "inside a span" case.
  const outer = tracer.startSpan('request');
  const inSpan = trace.setSpan(context.active(), outer);

  const contenders: Record<string, Loop> = {
    bare: async (n) => {
      for (let i = 0; i < n; i++) await ok();
    },
    unobserved: async (n) => {
      for (let i = 0; i < n; i++) await plain.execute(ok);
    },
    prometheus: async (n) => {
      for (let i = 0; i < n; i++) await prom.execute(ok);
    },
    'otel (attributes, no active span)': async (n) => {
      for (let i = 0; i < n; i++) await otel.execute(ok);
    },
    'prometheus + otel': async (n) => {
      for (let i = 0; i < n; i++) await both.execute(ok);
    },
    'prometheus + otel, inside a recording span': (n) =>
      context.with(inSpan, async () => {
        for (let i = 0; i < n; i++) await bothInSpan.execute(ok);
      }),
    'prometheus + otel, clock reads excluded': async (n) => {
      for (let i = 0; i < n; i++) await bothFrozen.execute(ok);
    },
    'traced(): a recording span per call': async (n) => {
      for (let i = 0; i < n; i++) await spanTraced.execute(ok);
    },
  };

  await warmUp(Object.values(contenders), CALLS / 4);
  const ns = await bestOf(contenders, ROUNDS, CALLS);
  outer.end();
  const bare = ns.bare!;
  const base = ns.unobserved!;

  console.log(
    `Observability overhead: ${CALLS.toLocaleString('en-US')} sequential awaited calls of a closed breaker, best of ${ROUNDS}`,
  );
  printTable(
    ['case', 'ns/call', 'vs bare', 'vs unobserved', `target <= ${TARGET}x`],
    Object.keys(contenders).map((label) => {
      const v = ns[label]!;
      const isTarget = label === 'prometheus + otel';
      return [
        label,
        formatNs(v),
        formatRatio(v, bare),
        label === 'bare' ? '-' : formatRatio(v, base),
        isTarget ? verdict(v / base, TARGET) : '-',
      ];
    }),
  );
  console.log(
    'target row: registerMetrics + instrument(mode: attributes) on the same breaker, no active span.',
  );

  // The exporters must still be exact after the run.
  const text = await registries[1]!.metrics();
  const expected = CALLS / 4 + ROUNDS * CALLS;
  const count =
    /breakwater_circuitbreaker_calls_seconds_count\{name="bench",kind="successful"\} (\d+)/.exec(
      text,
    )?.[1];
  if (Number(count) !== expected) {
    throw new Error(
      `bench: exporter counted ${String(count)} successful calls, expected ${expected}`,
    );
  }
  for (const h of handles) h.close();
  spanTraced.close();
}
