/** Alerting on breaker transitions (exported from the main entry, `breakwater`). */
export { AlertManager } from './alert-manager.js';
export type { AlertManagerOptions } from './alert-manager.js';
export { AlertDeliveryError, alertNames, alertSeverities } from './alert.js';
export type { Alert, AlertRule, AlertSink } from './alert.js';
export type { AlertRules } from './rules.js';
export type { DeliveryOptions, SinkStats } from './sink-runner.js';
export { alertmanagerSink, slackSink, webhookSink } from './sinks.js';
export type { HttpSinkOptions } from './sinks.js';
