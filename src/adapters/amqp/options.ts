import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import type { BreakerOptions } from '../../core/options.js';
import { quote, suggest } from '../../core/options.js';
import { breakerOf } from '../breaker-of.js';

/** Default prefetch of a consumer while its breaker is closed. */
export const DEFAULT_PREFETCH = 10;

/** Options of {@link consume}. */
export interface ConsumeOptions {
  /** The breaker every message goes through: an instance, or options to make one. Required. */
  breaker: CircuitBreaker | BreakerOptions;
  /**
   * Unacknowledged deliveries the consumer holds while the breaker is closed, hence handlers
   * running at once (an integer from 1 to 65535). Default 10. In half-open it is 1: one probe.
   */
  prefetch?: number;
  /**
   * Handler runs a message gets: when the last one fails the message is rejected without
   * requeue, so it goes to the queue's dead-letter exchange if it has one (and is dropped by the
   * broker if it has none). Every failed run counts, half-open probes included, so a poison
   * message never blocks the queue, not even one that trips the breaker each time; during an
   * outage the breaker lets about one probe per open period through, so choose `maxAttempts`
   * times the breaker's `timeout` longer than the outages to ride out. Deliveries given back
   * unstarted while the breaker is open are not attempts. An integer >= 1 or `Infinity` (the
   * default: requeue forever).
   */
  maxAttempts?: number;
  /**
   * Called when the consumer stops without `close()`: the channel or its connection died, or
   * the broker cancelled the consumer (its queue was deleted). Deliveries not acked by then go
   * back to the queue by the broker's own rules. Default: nothing besides `done`.
   */
  onError?: (error: Error) => void;
}

/** {@link ConsumeOptions} after defaults and validation. */
export interface ResolvedConsumeOptions {
  breaker: CircuitBreaker;
  prefetch: number;
  maxAttempts: number;
  onError: ((error: Error) => void) | undefined;
}

const KNOWN = ['breaker', 'prefetch', 'maxAttempts', 'onError'] as const;

/** Validates {@link ConsumeOptions}: a bad value throws a TypeError or RangeError naming it. */
export function resolveConsumeOptions(options: ConsumeOptions): ResolvedConsumeOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new TypeError(
      `consume options must be an object like { breaker: { name: 'orders' } }, got ${quote(given)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      const hint = suggest(key, KNOWN);
      throw new TypeError(`unknown consume option ${key}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  if ((options.breaker as unknown) === undefined) {
    throw new TypeError('consume option breaker is required: a CircuitBreaker or breaker options');
  }
  const breaker = breakerOf(options.breaker, 'consume option breaker');
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  if (
    typeof prefetch !== 'number' ||
    !Number.isInteger(prefetch) ||
    prefetch < 1 ||
    prefetch > 65535
  ) {
    throw new RangeError(
      `consume option prefetch must be an integer from 1 to 65535, got ${quote(prefetch)}`,
    );
  }
  const maxAttempts = options.maxAttempts ?? Infinity;
  if (
    typeof maxAttempts !== 'number' ||
    !(maxAttempts === Infinity || (Number.isInteger(maxAttempts) && maxAttempts >= 1))
  ) {
    throw new RangeError(
      `consume option maxAttempts must be an integer >= 1 or Infinity, got ${quote(maxAttempts)}`,
    );
  }
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`consume option onError must be a function, got ${quote(onError)}`);
  }
  return { breaker, prefetch, maxAttempts, onError };
}
