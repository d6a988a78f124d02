import type { CallOptions, Protected } from '../core/circuit-breaker.js';

export type { CallOptions, Protected };

/**
 * Type-only marker: the extra type a policy may resolve to besides the value of `fn` (a
 * fallback's value). It never exists at run time; it lets `wrap` compute its result type.
 * @internal
 */
export const resultType: unique symbol = Symbol('breakwater.policyResult');

/**
 * What every policy is: `execute(fn, { signal })` runs `fn(signal)` under the policy and settles
 * with what it settles with (or a rejection of the policy's own). `CircuitBreaker` has exactly
 * this shape, so a breaker is a policy and composes with the others in {@link wrap}.
 *
 * `R` is the type a policy may resolve to besides `fn`'s value: `never` for all but `fallback`.
 */
export interface Policy<R = never> {
  /**
   * Runs `fn` under the policy. Never throws: every outcome comes through the promise. A
   * `signal` that is already aborted rejects at once with its reason, without running `fn`.
   *
   * @param fn receives an `AbortSignal` that aborts when the caller's does (and, for a timeout,
   * when time is up).
   */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T> | R>;
  /** @internal Type-only; see {@link resultType}. */
  readonly [resultType]?: [R];
}

/** The extra result type of a policy (`never` unless it is a fallback or wraps one). */
export type PolicyResult<P> = P extends { readonly [resultType]?: [infer V] } ? V : never;

/** Passed to `fn` when the caller gave no signal; it never aborts (shared with the core). */
export { NEVER_ABORTED } from '../core/never-aborted.js';

export { isThenable } from '../core/thenable.js';

/** Calls `fn(signal)` and returns its outcome as a promise; a synchronous throw becomes a rejection. */
export function invoke<T>(fn: Protected<T>, signal: AbortSignal): Promise<Awaited<T>> {
  try {
    return Promise.resolve(fn(signal));
  } catch (error) {
    return Promise.reject(error);
  }
}
