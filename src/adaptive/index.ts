export { AdaptiveErrorCodes, ConcurrencyLimitError, ThrottledError } from './errors.js';
export { adaptiveThrottle, AdaptiveThrottle } from './throttle.js';
export type { AdaptiveThrottleOptions, ThrottleEvent } from './throttle.js';
export { baselineRule, BaselineRule } from './baseline.js';
export type { BaselineRuleOptions, BaselineUpdate } from './baseline.js';
