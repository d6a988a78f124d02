/**
 * `breakwater/health`: `/livez` and `/readyz` handlers for Kubernetes-style probes, with
 * `?verbose` text and an `application/health+json` view. Plain `(req, res)` handlers.
 */
export { livez, readyz } from './handlers.js';
export type { HealthHandler, HealthOptions, ReadyzOptions } from './handlers.js';
export { checkBreaker } from './checks.js';
export type {
  CheckResult,
  CriticalSelector,
  HealthCheck,
  HealthReport,
  HealthStatus,
} from './checks.js';
export { healthJsonType } from './render.js';
export type { HealthJsonInfo } from './render.js';
export { BreakerSet, fromBreakers } from '../../manager/source.js';
export type { BreakerSource, BreakerTarget } from '../../manager/source.js';
