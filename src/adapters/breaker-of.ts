import { CircuitBreaker } from '../core/circuit-breaker.js';
import { quote } from '../core/options.js';

/**
 * The breaker an adapter should use: the instance given, or a new one built from options. An
 * instance made by another copy of the package is recognised by shape, not by `instanceof`.
 */
export function breakerOf(value: unknown, where: string): CircuitBreaker {
  if (value instanceof CircuitBreaker) return value;
  if (value === undefined) return new CircuitBreaker();
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `${where} must be a CircuitBreaker or breaker options, got ${quote(value)}`,
    );
  }
  const candidate = value as Partial<Record<'execute' | 'allow' | 'onTransition', unknown>>;
  if (
    typeof candidate.execute === 'function' &&
    typeof candidate.allow === 'function' &&
    typeof candidate.onTransition === 'function'
  ) {
    return value as CircuitBreaker;
  }
  return new CircuitBreaker(value);
}
