/**
 * `breakwater/prometheus`: circuit breaker metrics for a prom-client registry (prom-client is an
 * optional peer dependency of this subpath only).
 */
export { registerMetrics } from './register-metrics.js';
export type { AnyRegistry, MetricsOptions, PrometheusMetrics } from './register-metrics.js';
export { callKinds, configParams, defaultBuckets, metricNames } from '../metric-names.js';
export { BreakerSet, fromBreakers } from '../../manager/source.js';
export type { BreakerSource, BreakerTarget, Unsubscribe } from '../../manager/source.js';
export { coordinationMetricNames, registerCoordinationMetrics } from './coordination-metrics.js';
export type { CoordinationSource } from './coordination-metrics.js';
