import { quote, suggest } from '../../core/options.js';
import { isCallerError } from './classify.js';

/** Options of {@link guardPool} beyond the breaker. Durations are milliseconds. */
export interface GuardPoolOptions {
  /**
   * Longest wait for a client from the pool (queueing behind other callers and connecting).
   * Past it the call rejects with `PoolExhaustedError` (code `'ERR_POOL_EXHAUSTED'`), recorded
   * as a failure; a client that arrives later goes straight back to the pool. Default: no
   * limit beyond the pool's own `connectionTimeoutMillis`.
   */
  acquireTimeout?: number;
  /**
   * Which errors are the caller's own: recorded as successes by the breaker, still thrown to
   * the caller. Default {@link isCallerError} (SQLSTATE classes 22, 23, 42 and bad arguments).
   */
  isCallerError?: (error: unknown) => boolean;
  /**
   * Called when an idle client of the pool fails (its backend was terminated, the network
   * dropped). The guarded pool listens to the pool's `'error'` event so that such an error never
   * crashes the process; pg has already removed the client. Default: ignore it.
   */
  onIdleError?: (error: Error) => void;
}

/** {@link GuardPoolOptions} after defaults and validation. */
export interface ResolvedGuardPoolOptions {
  acquireTimeout: number | undefined;
  isCallerError: (error: unknown) => boolean;
  onIdleError: ((error: Error) => void) | undefined;
}

const KNOWN = ['acquireTimeout', 'isCallerError', 'onIdleError'] as const;

/** Validates {@link GuardPoolOptions}: a bad value throws a TypeError or RangeError naming it. */
export function resolveGuardPoolOptions(options: GuardPoolOptions = {}): ResolvedGuardPoolOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new TypeError(`guardPool options must be an object, got ${quote(given)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      const hint = suggest(key, KNOWN);
      throw new TypeError(
        `unknown guardPool option ${key}${hint ? ` (did you mean ${hint}?)` : ''}`,
      );
    }
  }
  const { acquireTimeout, onIdleError } = options;
  if (acquireTimeout !== undefined) {
    if (typeof acquireTimeout !== 'number') {
      throw new TypeError(
        `guardPool option acquireTimeout must be a number of ms, got ${quote(acquireTimeout)}`,
      );
    }
    if (!(acquireTimeout > 0 && acquireTimeout < 2 ** 31)) {
      throw new RangeError(
        `guardPool option acquireTimeout must be > 0 and < 2^31 ms, got ${quote(acquireTimeout)}`,
      );
    }
  }
  const classify = options.isCallerError ?? isCallerError;
  if (typeof classify !== 'function') {
    throw new TypeError(
      `guardPool option isCallerError must be a function, got ${quote(classify)}`,
    );
  }
  if (onIdleError !== undefined && typeof onIdleError !== 'function') {
    throw new TypeError(
      `guardPool option onIdleError must be a function, got ${quote(onIdleError)}`,
    );
  }
  return { acquireTimeout, isCallerError: classify, onIdleError };
}
