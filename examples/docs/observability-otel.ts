import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { CircuitBreaker, CircuitBreakerManager } from '../../src/index.js';
import { instrument, traced } from '../../src/observability/otel/index.js';

// Your OpenTelemetry SDK; an in-memory exporter here, to print the spans.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('checkout');

// traced(): a breaker you call yourself. Each call runs inside its own span.
const payments = traced(
  new CircuitBreaker({ name: 'payments', readyToTrip: (c) => c.consecutiveFailures >= 1 }),
  { tracer },
);
await payments.execute(() => 'charged');
await payments.tryExecute(() => Promise.reject(new Error('card declined')));
await payments.tryExecute(() => 'not run: the breaker is open');

// instrument(): breakers you do not call yourself (a manager's, the HTTP client's, adapters').
const manager = new CircuitBreakerManager();
const instrumentation = instrument(manager, { tracer });
await manager.execute('inventory', () => 42);

for (const span of exporter.getFinishedSpans()) {
  console.log(`${span.name} (status ${SpanStatusCode[span.status.code]})`, span.attributes);
  for (const event of span.events) {
    if (event.name === 'exception') console.log(`  exception recorded: ${span.status.message}`);
    else console.log(`  event ${event.name} ${JSON.stringify(event.attributes)}`);
  }
}
instrumentation.close();
payments.close();
manager.close();
