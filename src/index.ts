export { CircuitBreaker } from './core/circuit-breaker.js';
export type { CallOptions, CallResult, Protected } from './core/circuit-breaker.js';
export { systemClock } from './core/clock.js';
export type { CancelTimer, Clock } from './core/clock.js';
export {
  BreakerError,
  BreakerOpenError,
  CallTimeoutError,
  ErrorCodes,
  isRefusal,
  markAsRefusal,
  TooManyRequestsError,
} from './core/errors.js';
export type { BreakerErrorCode } from './core/errors.js';
export type { CallEvent, StateChangeEvent, TransitionReason } from './core/events.js';
export { channelNames } from './core/channels.js';
export { defaultReadyToTrip } from './core/options.js';
export type { BreakerOptions, BreakerSnapshot } from './core/options.js';
export { exponentialOpenBackoff } from './core/backoff.js';
// core: external decisions and pluggable trip rules (wave 2 hooks)
export type { ExternalDecision } from './core/decisions.js';
export { normalQuantile, wilsonLowerBound } from './core/rules.js';
export type { TripRule, TripRuleContext } from './core/rules.js';
// core: the options table, one "did you mean" and one timer limit for every layer
export {
  BREAKER_OPTION_TABLE,
  MAX_COUNT_WINDOW,
  MAX_WINDOW_BUCKETS,
  TIMER_LIMIT_MS,
  didYouMean,
  unknownKeyMessage,
} from './core/option-table.js';
export type { OptionRange, OptionSpec } from './core/option-table.js';
export type { OpenBackoffOptions } from './core/backoff.js';
export type {
  CircuitState,
  CountWindowOptions,
  Counts,
  Disposer,
  Outcome,
  OutcomeKind,
  RejectionReason,
  TimeWindowOptions,
  WindowOptions,
} from './core/types.js';
export * from './policies/index.js';
// Alerting lives in its own subpath, `breakwater/alerts` (it loads undici on first delivery).
export { BreakerSet, fromBreakers } from './manager/source.js';
export type { BreakerSource, BreakerTarget, Unsubscribe } from './manager/source.js';
export {
  CircuitBreakerManager,
  ConfigError,
  DependencyOpenError,
  ManagerClosedError,
  ManagerErrorCodes,
  parseDuration,
  parsePercent,
} from './manager/index.js';
export type {
  CascadeEvent,
  CascadeStatus,
  ConfigIssue,
  CreateEvent,
  DefaultServiceOptions,
  DurationBounds,
  EvictEvent,
  EvictReason,
  FleetTransitionEvent,
  FromFileOptions,
  ManagerOptions,
  ManagerSettings,
  ManagerState,
  ReloadEvent,
  ServiceHandle,
  ServiceOptions,
  ServiceSnapshot,
  WatchOptions,
} from './manager/index.js';
// adaptive protection (src/adaptive)
export {
  AdaptiveErrorCodes,
  AdaptiveThrottle,
  adaptiveThrottle,
  BaselineRule,
  baselineRule,
  ConcurrencyLimitError,
  ThrottledError,
} from './adaptive/index.js';
export type {
  AdaptiveThrottleOptions,
  BaselineRuleOptions,
  BaselineUpdate,
  ThrottleEvent,
} from './adaptive/index.js';
