export type { Policy, PolicyResult } from './policy.js';
export {
  BulkheadRejectedError,
  isBreakerOpen,
  isBreakerRejection,
  isBulkheadRejection,
  isPolicyRejection,
  PolicyErrorCodes,
} from './errors.js';
export { constantBackoff, decorrelatedJitterBackoff, exponentialBackoff } from './backoff.js';
export type {
  Backoff,
  BackoffContext,
  DecorrelatedJitterOptions,
  ExponentialBackoffOptions,
  Jitter,
} from './backoff.js';
export { retryBudget } from './retry-budget.js';
export type { RetryBudget, RetryBudgetOptions } from './retry-budget.js';
export { parseRetryAfter, retryAfterFrom } from './retry-after.js';
export { retry, RetryPolicy } from './retry.js';
export { defaultRetryOn } from './retry-options.js';
export type {
  AttemptOutcome,
  BreakerLike,
  DelaySource,
  GiveUpEvent,
  GiveUpReason,
  RetryCallOptions,
  RetryEvent,
  RetryOptions,
} from './retry-options.js';
export { timeout, TimeoutPolicy } from './timeout.js';
export type { TimeoutOptions, TimeoutStrategy } from './timeout.js';
export { bulkhead, BulkheadPolicy } from './bulkhead.js';
export type { BulkheadOptions } from './bulkhead.js';
export { fallback, FallbackPolicy } from './fallback.js';
export type { FallbackOptions } from './fallback.js';
export { wrap, WrappedPolicy } from './wrap.js';
