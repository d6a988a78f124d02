/**
 * Every name the exporters publish, defined once: Prometheus series and labels (shared/API.md
 * "Metrics"), OpenTelemetry attributes and events. The alert rules in deploy/prometheus and the
 * Grafana dashboard in deploy/grafana use these names; a test checks that they agree.
 */

/** Prometheus series names. */
export const metricNames = {
  /** Gauge `{name, state}`: 1 for the current state, 0 for the other two. */
  state: 'breakwater_circuitbreaker_state',
  /** Counter `{name, from, to}`: state changes. */
  transitions: 'breakwater_circuitbreaker_transitions_total',
  /** Histogram `{name, kind}` in seconds: admitted calls by recorded outcome. */
  calls: 'breakwater_circuitbreaker_calls_seconds',
  /** Counter `{name, reason}`: calls the breaker did not admit. */
  notPermitted: 'breakwater_circuitbreaker_not_permitted_calls_total',
  /** Gauge `{name}`: failures / calls in the current counts, 0..1; -1 while too few calls. */
  failureRate: 'breakwater_circuitbreaker_failure_rate',
  /** Gauge `{name}`: slow calls / calls in the window, 0..1; -1 without a window or too few calls. */
  slowCallRate: 'breakwater_circuitbreaker_slow_call_rate',
  /** Gauge `{name, param}`: the thresholds in force (ratios 0..1, durations in seconds). */
  config: 'breakwater_circuitbreaker_config',
} as const;

/** Values of the `kind` label of the calls histogram, by the core's outcome. */
export const callKinds = {
  success: 'successful',
  failure: 'failed',
  excluded: 'excluded',
} as const;

/** Values of the `param` label of the config gauge. Ratios are 0..1; durations are seconds. */
export const configParams = {
  failureRateThreshold: 'failure_rate_threshold',
  slowCallRateThreshold: 'slow_call_rate_threshold',
  slowCallDurationSeconds: 'slow_call_duration_seconds',
  minimumCalls: 'minimum_calls',
  maxRequests: 'max_requests',
  openTimeoutSeconds: 'open_timeout_seconds',
  intervalSeconds: 'interval_seconds',
  callTimeoutSeconds: 'call_timeout_seconds',
  halfOpenTimeoutSeconds: 'half_open_timeout_seconds',
  windowCalls: 'window_calls',
  windowSeconds: 'window_seconds',
} as const;

/**
 * Default buckets of the calls histogram, in seconds: OpenTelemetry's advisory buckets for
 * `http.client.request.duration`, so breaker and HTTP latency panels line up.
 */
export const defaultBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** OpenTelemetry attribute names (no semantic convention exists for breakers yet). */
export const otelAttributes = {
  name: 'breakwater.circuit_breaker.name',
  state: 'breakwater.circuit_breaker.state',
  /** `success | failure | excluded | rejected`. */
  outcome: 'breakwater.circuit_breaker.outcome',
  /** `open | too_many_requests`, on rejections. */
  rejectionReason: 'breakwater.circuit_breaker.rejection_reason',
  /** On transition events. */
  from: 'breakwater.circuit_breaker.from',
  to: 'breakwater.circuit_breaker.to',
  reason: 'breakwater.circuit_breaker.reason',
  /** The semantic-conventions attribute, reused as is. */
  errorType: 'error.type',
} as const;

/** Name of the span event added on every state transition. */
export const transitionEventName = 'breakwater.circuit_breaker.transition';
