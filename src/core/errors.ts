const brand = Symbol.for('breakwater.error');
const refusal = Symbol.for('breakwater.refusal');

/**
 * Marks an error class as a refusal: a policy declined to run the call at all (a breaker open
 * or saturated, a bulkhead full), so the call never reached the dependency. A breaker records a
 * refusal that comes out of its `fn` (from a policy inside it) as excluded, never as a failure.
 * Use it for refusal errors of your own policies.
 */
export function markAsRefusal(errorClass: abstract new (...args: never[]) => Error): void {
  Object.defineProperty(errorClass.prototype, refusal, { value: true });
}

/** True for an error whose class was marked with {@link markAsRefusal} (any package copy). */
export function isRefusal(value: unknown): boolean {
  return typeof value === 'object' && value !== null && refusal in value;
}

/** Stable error codes, one per error class. */
export const ErrorCodes = {
  open: 'ERR_BREAKER_OPEN',
  tooManyRequests: 'ERR_TOO_MANY_REQUESTS',
  callTimeout: 'ERR_CALL_TIMEOUT',
} as const;

/** One of {@link ErrorCodes}, or a code of an error class built on {@link BreakerError}. */
export type BreakerErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

/**
 * Base of every error breakwater raises. `code` is stable across versions; `breakerName` names
 * the breaker (or policy) that raised it.
 */
export class BreakerError extends Error {
  /** A stable machine-readable code such as `'ERR_BREAKER_OPEN'`. */
  readonly code: BreakerErrorCode;
  /** The `name` option of the breaker that raised the error (`''` when unnamed). */
  readonly breakerName: string;

  constructor(
    message: string,
    code: BreakerErrorCode,
    breakerName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.breakerName = breakerName;
  }

  /** True for every breakwater error, even one made by another copy of the package. */
  static is(value: unknown): value is BreakerError {
    return typeof value === 'object' && value !== null && brand in value;
  }
}
Object.defineProperty(BreakerError.prototype, brand, { value: true });

/**
 * Gives an error class its `name` on the prototype (as the built-in errors have it), so
 * instances print and compare by it without an own property each.
 */
export function nameErrorClass(
  errorClass: abstract new (...args: never[]) => Error,
  name: string,
): void {
  Object.defineProperty(errorClass.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });
}
nameErrorClass(BreakerError, 'BreakerError');

/**
 * Runs `make` with stack capture off. Fail-fast rejections are the hot path while a dependency is
 * down; a stack trace there costs ~7x the rest of the rejection and says nothing useful.
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The breaker is open (or forced open): the call was not made. */
export class BreakerOpenError extends BreakerError {
  /** Milliseconds until the breaker turns half-open; `Infinity` when forced open. */
  readonly retryAfter: number;

  constructor(breakerName: string, retryAfter: number) {
    super('circuit breaker is open', ErrorCodes.open, breakerName);
    this.retryAfter = retryAfter;
  }

  /** Builds one without capturing a stack trace (what the breaker itself does). */
  static fast(breakerName: string, retryAfter: number): BreakerOpenError {
    return withoutStack(() => new BreakerOpenError(breakerName, retryAfter));
  }
}
markAsRefusal(BreakerOpenError);
nameErrorClass(BreakerOpenError, 'BreakerOpenError');

/** The breaker is half-open and every probe admission of this episode is taken. */
export class TooManyRequestsError extends BreakerError {
  constructor(breakerName: string) {
    super('too many requests', ErrorCodes.tooManyRequests, breakerName);
  }

  /** Builds one without capturing a stack trace (what the breaker itself does). */
  static fast(breakerName: string): TooManyRequestsError {
    return withoutStack(() => new TooManyRequestsError(breakerName));
  }
}
markAsRefusal(TooManyRequestsError);
nameErrorClass(TooManyRequestsError, 'TooManyRequestsError');

/** A call took longer than `callTimeout`; its signal was aborted with this error. */
export class CallTimeoutError extends BreakerError {
  /** The limit that was exceeded, in ms. */
  readonly timeout: number;

  constructor(breakerName: string, timeout: number) {
    super(`call timed out after ${timeout} ms`, ErrorCodes.callTimeout, breakerName);
    this.timeout = timeout;
  }
}
// `TimeoutError` is the name the platform gives timeouts (AbortSignal.timeout), so code that
// checks `err.name === 'TimeoutError'` treats ours the same way.
nameErrorClass(CallTimeoutError, 'TimeoutError');
