import { systemClock, type Clock } from '../core/clock.js';
import { quote, suggest } from '../core/options.js';

export { quote };

/**
 * Checks that `options` is a plain object (or undefined) whose keys are all `known`, and returns
 * it. An unknown key throws a TypeError with a "did you mean" hint.
 */
export function checkOptions<O extends object>(
  label: string,
  options: O | undefined,
  known: readonly (keyof O & string)[],
): Partial<O> {
  if (options === undefined) return {};
  const given: unknown = options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(`${label} options must be an object, got ${quote(given)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) {
      const hint = suggest(key, known);
      throw new TypeError(
        `unknown ${label} option ${key}${hint ? ` (did you mean ${hint}?)` : ''}`,
      );
    }
  }
  return options;
}

/** Constraints of {@link numberOption}. */
export interface NumberRule {
  /** Smallest allowed value (inclusive unless `above`). */
  min?: number;
  /** The value must be strictly greater than `min`. */
  above?: boolean;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Must be an integer (Infinity passes only with `infinite`). */
  integer?: boolean;
  /** Infinity is allowed. */
  infinite?: boolean;
}

/** Describes a {@link NumberRule} for an error message, e.g. "an integer >= 1". */
function describe(rule: NumberRule): string {
  const parts: string[] = [rule.integer ? 'an integer' : 'a number'];
  if (rule.min !== undefined) parts.push(`${rule.above ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`${rule.min !== undefined ? 'and ' : ''}<= ${rule.max}`);
  return parts.join(' ') + (rule.infinite ? ' (or Infinity)' : '');
}

/**
 * Validates a number option: a non-number throws a TypeError, one out of range a RangeError,
 * both naming `label option key` and quoting the value. `undefined` gives `fallback`.
 */
export function numberOption(
  label: string,
  key: string,
  value: unknown,
  fallback: number,
  rule: NumberRule,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${label} option ${key} must be a number, got ${quote(value)}`);
  }
  const ok =
    value === Infinity
      ? rule.infinite === true
      : Number.isFinite(value) &&
        (!rule.integer || Number.isInteger(value)) &&
        (rule.min === undefined || (rule.above ? value > rule.min : value >= rule.min)) &&
        (rule.max === undefined || value <= rule.max);
  if (!ok) {
    throw new RangeError(`${label} option ${key} must be ${describe(rule)}, got ${quote(value)}`);
  }
  return value;
}

/** Validates an optional function option (TypeError naming it otherwise). */
export function functionOption<F>(label: string, key: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${label} option ${key} must be a function, got ${quote(value)}`);
  }
  return value;
}

/** Validates an optional string option (TypeError naming it otherwise). */
export function stringOption(label: string, key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') {
    throw new TypeError(`${label} option ${key} must be a string, got ${quote(value)}`);
  }
  return value;
}

/** Validates an optional boolean option; `fallback` when it is undefined. */
export function booleanOption(
  label: string,
  key: string,
  value: unknown,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${label} option ${key} must be true or false, got ${quote(value)}`);
  }
  return value;
}

/** The largest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates a `clock` option: an object with a `now()` method. Default {@link systemClock}. */
export function clockOption(label: string, value: unknown): Clock {
  if (value === undefined) return systemClock;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<Clock>).now !== 'function'
  ) {
    throw new TypeError(`${label} option clock must have a now() method, got ${quote(value)}`);
  }
  return value as Clock;
}
