export { CircuitBreakerManager } from './manager.js';
export type { FromFileOptions } from './file-source.js';
export { DependencyOpenError, ManagerClosedError, ManagerErrorCodes } from './errors.js';
export { ConfigError } from './config/config-error.js';
export type { ConfigIssue } from './config/config-error.js';
export { parseDuration, parsePercent } from './config/values.js';
export type { DurationBounds } from './config/values.js';
export type { WatchOptions } from './config/reload.js';
export type {
  CascadeEvent,
  CascadeStatus,
  CreateEvent,
  DefaultServiceOptions,
  EvictEvent,
  EvictReason,
  FleetTransitionEvent,
  ManagerOptions,
  ManagerSettings,
  ManagerState,
  ReloadEvent,
  ServiceHandle,
  ServiceOptions,
  ServiceSnapshot,
} from './types.js';
