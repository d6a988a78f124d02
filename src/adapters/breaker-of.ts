import { CircuitBreaker } from '../core/circuit-breaker.js';
import { quote } from '../core/options.js';

/**
 * The breaker an adapter should use: the instance given, or a new one built from options. An
 * instance made by another copy of the package is recognised too (`CircuitBreaker.is`).
 */
export function breakerOf(value: unknown, where: string): CircuitBreaker {
  if (value === undefined) return new CircuitBreaker();
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `${where} must be a CircuitBreaker or breaker options, got ${quote(value)}`,
    );
  }
  return CircuitBreaker.is(value) ? value : new CircuitBreaker(value);
}
