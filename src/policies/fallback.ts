import {
  invoke,
  NEVER_ABORTED,
  type CallOptions,
  type Policy,
  type Protected,
  type resultType,
} from './policy.js';
import { checkOptions, functionOption, quote } from './validate.js';

/** Options of {@link fallback}: a fixed `value`, or a function `fn` that makes one. */
export type FallbackOptions<V> = (
  | {
      /** Returned instead of the error. */
      value: V;
      fn?: undefined;
    }
  | {
      /**
       * Called with the error (and the call's signal) at most once per call; what it returns or
       * throws is what the caller gets.
       */
      fn: (error: unknown, signal: AbortSignal) => V | PromiseLike<V>;
      value?: undefined;
    }
) & {
  /** Which errors the fallback replaces. Default: every one. */
  when?: (error: unknown) => boolean;
};

/** A fallback policy; made by {@link fallback}. */
export class FallbackPolicy<V> implements Policy<Awaited<V>> {
  declare readonly [resultType]?: [Awaited<V>];
  private readonly make: (error: unknown, signal: AbortSignal) => V | PromiseLike<V>;
  private readonly when: ((error: unknown) => boolean) | undefined;

  /** @param options see {@link FallbackOptions}; validated here. */
  constructor(options: FallbackOptions<V>) {
    const label = 'fallback';
    const o = checkOptions(label, options, ['value', 'fn', 'when']);
    // `{ value: undefined }` is a valid fallback value; an `fn: undefined` key is not an fn.
    const given = o as { value?: unknown; fn?: unknown };
    const hasFn = given.fn !== undefined;
    const hasValue = hasFn ? given.value !== undefined : 'value' in given;
    if (hasValue === hasFn) {
      throw new TypeError(
        `fallback options need exactly one of value and fn, got ${quote(Object.keys(o))}`,
      );
    }
    if (hasFn) {
      this.make = functionOption(label, 'fn', o.fn) as (
        error: unknown,
        signal: AbortSignal,
      ) => V | PromiseLike<V>;
    } else {
      const value = o.value as V;
      this.make = () => value;
    }
    this.when = functionOption(label, 'when', o.when);
  }

  /**
   * Runs `fn`; when it fails (throws, rejects, or a policy inside rejects the call) and `when`
   * accepts the error, settles with the fallback instead, made at most once. A caller that
   * aborted gets the signal's reason, not a fallback. Never throws.
   */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T> | Awaited<V>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    const callSignal = signal ?? NEVER_ABORTED;
    return invoke(fn, callSignal).then(undefined, (error: unknown) => {
      if (signal?.aborted) throw signal.reason;
      if (this.when && !this.when(error)) throw error;
      return this.make(error, callSignal) as Awaited<V> | PromiseLike<Awaited<V>>;
    });
  }
}

/**
 * Makes a fallback policy: `fallback({ value: [] })` or
 * `fallback({ fn: (error) => cache.get(key) })`, with `when` to pick the errors it replaces.
 */
export function fallback<V>(options: FallbackOptions<V>): FallbackPolicy<V> {
  return new FallbackPolicy(options);
}
