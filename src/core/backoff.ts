import { quote } from './options.js';

/** Options of {@link exponentialOpenBackoff}. Durations are ms. */
export interface OpenBackoffOptions {
  /** Wait after the first open. Default 1000. */
  initial?: number;
  /** Upper bound of the wait. Default 60000. */
  max?: number;
  /** Factor applied per further open. Default 2. */
  multiplier?: number;
}

/**
 * A `timeout` function for breakers that wait longer each time a probe fails:
 * `min(max, initial * multiplier^(opens - 1))`. The count restarts when the breaker closes.
 *
 * @example new CircuitBreaker({ timeout: exponentialOpenBackoff({ initial: 1000, max: 60_000 }) })
 */
export function exponentialOpenBackoff(
  options: OpenBackoffOptions = {},
): (opens: number) => number {
  const { initial = 1000, max = 60_000, multiplier = 2 } = options;
  for (const [key, value] of Object.entries({ initial, max, multiplier })) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `exponentialOpenBackoff option ${key} must be a finite number > 0, got ${quote(value)}`,
      );
    }
  }
  if (multiplier < 1)
    throw new RangeError(
      `exponentialOpenBackoff option multiplier must be >= 1, got ${multiplier}`,
    );
  return (opens) => Math.min(max, initial * multiplier ** Math.max(0, opens - 1));
}
