import {
  invoke,
  NEVER_ABORTED,
  type CallOptions,
  type Policy,
  type PolicyResult,
  type Protected,
  type resultType,
} from './policy.js';
import { quote } from './validate.js';

/** Runs the policies from `index` inward, `fn` innermost. */
type Runner = <T>(
  fn: Protected<T>,
  index: number,
  signal: AbortSignal | undefined,
) => Promise<unknown>;

/**
 * Several policies composed into one: `execute` runs `fn` inside the last policy, inside the one
 * before it, and so on out to the first. Made by {@link wrap}.
 */
export class WrappedPolicy<R = never> implements Policy<R> {
  declare readonly [resultType]?: [R];
  /** The policies, outermost first. */
  readonly policies: readonly Policy<unknown>[];

  /** @param policies outermost first; each must have an `execute` method. */
  constructor(policies: readonly Policy<unknown>[]) {
    policies.forEach((policy: unknown, i) => {
      if (
        typeof policy !== 'object' ||
        policy === null ||
        typeof (policy as Partial<Policy>).execute !== 'function'
      ) {
        throw new TypeError(
          `wrap: argument ${i} must be a policy (an object with execute), got ${quote(policy)}`,
        );
      }
    });
    this.policies = [...policies];
  }

  /** Runs `fn` through every policy, outermost first. Never throws. */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T> | R> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    return this.run(fn, 0, signal) as Promise<Awaited<T> | R>;
  }

  private readonly run: Runner = (fn, index, signal) => {
    const policy = this.policies[index];
    if (!policy) return invoke(fn, signal ?? NEVER_ABORTED);
    try {
      // The innermost policy gets fn itself, so it sees fn's arity (a timeout makes no signal
      // for a fn that takes none).
      if (index === this.policies.length - 1) return policy.execute(fn, { signal });
      const inner = <U>(s: AbortSignal): Promise<U> => this.run(fn, index + 1, s) as Promise<U>;
      return policy.execute(inner, { signal });
    } catch (error) {
      // A policy of the user's own (or a bad signal) threw instead of rejecting.
      return Promise.reject(error);
    }
  };
}

/**
 * Composes policies into one with the same `execute`, outermost first: `wrap(a, b, c)` runs
 * `fn` as `a.execute(s => b.execute(s2 => c.execute(fn, { signal: s2 }), { signal: s }))`.
 * A `CircuitBreaker` is a policy too.
 *
 * The usual order is `wrap(fallback, retry, breaker, bulkhead, timeout)`: the fallback sees
 * the final outcome; every retry attempt goes through the breaker (and is counted by it); an
 * open breaker sheds calls before they take a bulkhead slot; the timeout bounds each attempt.
 * A breaker records the refusals of the policies inside it (bulkhead full, another breaker
 * open) as excluded, never as failures: the core recognises them (`markAsRefusal`).
 *
 * @example
 * const policy = wrap(retry({ breaker }), breaker, bulkhead({ limit: 10 }), timeout({ ms: 2000 }));
 * await policy.execute((signal) => fetch(url, { signal }));
 */
export function wrap<const P extends readonly Policy<unknown>[]>(
  ...policies: P
): WrappedPolicy<PolicyResult<P[number]>> {
  return new WrappedPolicy(policies);
}
