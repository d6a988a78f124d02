import type { Protected } from '../core/circuit-breaker.js';
import { isThenable } from '../core/thenable.js';
import { IN_FLIGHT, type ManagedBreaker } from './managed-breaker.js';

// A module-level function, called from one small closure per call: a second closure made per
// call and called from the first (the obvious way to write this) ran many times slower here.
function runTracked<T>(
  breaker: ManagedBreaker,
  fn: Protected<T>,
  signal: AbortSignal | undefined,
): T | PromiseLike<T> {
  breaker[IN_FLIGHT]++;
  let result: T | PromiseLike<T>;
  try {
    result = fn(signal as AbortSignal);
  } catch (error) {
    breaker[IN_FLIGHT]--;
    throw error;
  }
  if (!isThenable(result)) {
    breaker[IN_FLIGHT]--;
    return result;
  }
  const promise = result instanceof Promise ? (result as Promise<T>) : Promise.resolve(result);
  // Two handlers, not one function given twice (which also measured several times slower).
  void promise.then(
    () => {
      breaker[IN_FLIGHT]--;
    },
    () => {
      breaker[IN_FLIGHT]--;
    },
  );
  return promise;
}

/**
 * Wraps `fn` so that the breaker's in-flight count covers it from its start until its result
 * settles (a breaker with calls in flight is never evicted). The wrapper takes a signal only if
 * `fn` declares one, because the breaker makes an AbortController only for functions that do.
 * A non-native thenable is adopted once, so that its `then` is not called twice.
 */
export function trackCall<T>(breaker: ManagedBreaker, fn: Protected<T>): Protected<T> {
  return fn.length === 0
    ? () => runTracked(breaker, fn, undefined)
    : (signal) => runTracked(breaker, fn, signal);
}
