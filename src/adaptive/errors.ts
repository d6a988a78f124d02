import { BreakerError, markAsRefusal, nameErrorClass, withoutStack } from '../core/errors.js';

/** Stable error codes of the adaptive policies. */
export const AdaptiveErrorCodes = {
  throttled: 'ERR_THROTTLED',
  concurrencyLimited: 'ERR_CONCURRENCY_LIMITED',
} as const;

/**
 * An adaptive throttle turned the call away without running it (code `'ERR_THROTTLED'`). It is
 * a refusal: the call never reached the dependency, so a breaker around the throttle records it
 * as excluded, and `isPolicyRejection` is true for it.
 */
export class ThrottledError extends BreakerError {
  /** The rejection probability (0..1) the call was drawn against. */
  readonly probability: number;

  constructor(throttleName: string, probability: number) {
    super(
      'throttled: the dependency accepts too few calls',
      AdaptiveErrorCodes.throttled,
      throttleName,
    );
    this.probability = probability;
  }

  /** Builds one without a stack trace: throttled calls are the hot path of an overload. */
  static fast(throttleName: string, probability: number): ThrottledError {
    return withoutStack(() => new ThrottledError(throttleName, probability));
  }
}
nameErrorClass(ThrottledError, 'ThrottledError');
markAsRefusal(ThrottledError);

/**
 * An adaptive concurrency limit turned the call away (code `'ERR_CONCURRENCY_LIMITED'`): the
 * limit was reached and the queue was full, or the call waited in the queue longer than
 * `maxWait`. A refusal, like {@link ThrottledError}.
 */
export class ConcurrencyLimitError extends BreakerError {
  /** The concurrency limit when the call was turned away. */
  readonly limit: number;
  /** Why: `'queue-full'` at arrival, or `'queue-timeout'` after waiting `maxWait`. */
  readonly reason: 'queue-full' | 'queue-timeout';

  constructor(limiterName: string, limit: number, reason: 'queue-full' | 'queue-timeout') {
    super(
      reason === 'queue-full'
        ? 'concurrency limit reached'
        : 'waited too long for the concurrency limit',
      AdaptiveErrorCodes.concurrencyLimited,
      limiterName,
    );
    this.limit = limit;
    this.reason = reason;
  }

  /** Builds one without a stack trace. */
  static fast(
    limiterName: string,
    limit: number,
    reason: 'queue-full' | 'queue-timeout',
  ): ConcurrencyLimitError {
    return withoutStack(() => new ConcurrencyLimitError(limiterName, limit, reason));
  }
}
nameErrorClass(ConcurrencyLimitError, 'ConcurrencyLimitError');
markAsRefusal(ConcurrencyLimitError);
