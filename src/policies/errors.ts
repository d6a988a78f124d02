import {
  BreakerError,
  ErrorCodes,
  isRefusal,
  markAsRefusal,
  type BreakerOpenError,
  withoutStack,
  nameErrorClass,
} from '../core/errors.js';

/** Stable error codes of the policies (the core's are in `ErrorCodes`). */
export const PolicyErrorCodes = {
  bulkheadFull: 'ERR_BULKHEAD_FULL',
} as const;

/**
 * A bulkhead turned the call away: every slot and every queue place was taken. The call never
 * ran, so it says nothing about the health of the dependency: breakers around a bulkhead must
 * not count it as a failure (`wrap` sees to that; see {@link isPolicyRejection}).
 */
export class BulkheadRejectedError extends BreakerError {
  /** Calls that may run at once. */
  readonly limit: number;
  /** Calls that may wait for a slot. */
  readonly queue: number;

  constructor(bulkheadName: string, limit: number, queue: number) {
    super('bulkhead is full', PolicyErrorCodes.bulkheadFull, bulkheadName);
    this.limit = limit;
    this.queue = queue;
  }

  /**
   * Builds one without a stack trace: rejections are the hot path of an overloaded bulkhead and
   * their stack says nothing.
   */
  static fast(bulkheadName: string, limit: number, queue: number): BulkheadRejectedError {
    return withoutStack(() => new BulkheadRejectedError(bulkheadName, limit, queue));
  }
}
nameErrorClass(BulkheadRejectedError, 'BulkheadRejectedError');

markAsRefusal(BulkheadRejectedError);

function hasCode(value: unknown, code: string): boolean {
  return BreakerError.is(value) && value.code === code;
}

/** True for a {@link BulkheadRejectedError} (from any copy of the package). */
export function isBulkheadRejection(error: unknown): error is BulkheadRejectedError {
  return hasCode(error, PolicyErrorCodes.bulkheadFull);
}

/** True for a `BreakerOpenError` (from any copy of the package). */
export function isBreakerOpen(error: unknown): error is BreakerOpenError {
  return hasCode(error, ErrorCodes.open);
}

/**
 * True for a breaker's refusal to run a call: `BreakerOpenError` or `TooManyRequestsError`
 * (from any copy of the package).
 */
export function isBreakerRejection(error: unknown): error is BreakerError {
  return isBreakerOpen(error) || hasCode(error, ErrorCodes.tooManyRequests);
}

/**
 * True when a policy refused to run the call at all (breaker open or saturated, bulkhead full):
 * the call never reached the dependency. A breaker records such an error from its `fn` as
 * excluded by itself, so nesting policies by hand or with `wrap` behaves the same.
 * Timeouts are not rejections: a call that timed out did reach the dependency.
 */
export function isPolicyRejection(error: unknown): error is BreakerError {
  return BreakerError.is(error) && isRefusal(error);
}
