/**
 * `breakwater/otel`: OpenTelemetry tracing of circuit breakers, on `@opentelemetry/api` only
 * (an optional peer dependency of this subpath). Works with any tracer provider the
 * application registers.
 */
export { instrument } from './instrument.js';
export type { Instrumentation } from './instrument.js';
export { traced } from './traced.js';
export type { TracedBreaker } from './traced.js';
export { errorType } from './common.js';
export type { TracingMode, TracingOptions } from './common.js';
export { otelAttributes, transitionEventName } from '../metric-names.js';
export { BreakerSet, fromBreakers } from '../../manager/source.js';
export type { BreakerSource, BreakerTarget } from '../../manager/source.js';
