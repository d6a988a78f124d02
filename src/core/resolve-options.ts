import { systemClock, type Clock } from './clock.js';
import {
  BREAKER_OPTION_KEYS,
  BREAKER_OPTION_TABLE,
  MAX_COUNT_WINDOW,
  MAX_WINDOW_BUCKETS,
  didYouMean,
  inRange,
  unknownKeyMessage,
  type OptionSpec,
} from './option-table.js';
import {
  DEFAULT_TIMEOUT,
  defaultReadyToTrip,
  quote,
  type BreakerOptions,
  type ResolvedOptions,
} from './options.js';
import type { TripRule } from './rules.js';

function fail(kind: 'type' | 'range', message: string): never {
  throw kind === 'type' ? new TypeError(message) : new RangeError(message);
}

/**
 * Reads an own property only (an inherited `Object.prototype.callTimeout` is not an option),
 * once, so a getter runs once; one that throws gives a TypeError naming the option. `null` is
 * returned as it is: it is a wrong type for every option.
 */
export function readOwn(source: object, key: string, label: string): unknown {
  if (!Object.hasOwn(source, key)) return undefined;
  let value: unknown;
  try {
    value = (source as Record<string, unknown>)[key];
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TypeError(`breaker option ${label}: reading it threw: ${detail}`, { cause: error });
  }
  return value;
}

/** Checks a value against its row of the table; returns it, coerced, or undefined. */
function checked(spec: OptionSpec, value: unknown): unknown {
  if (value === undefined) return undefined;
  const { key, type, range } = spec;
  if (type === 'function' || (type === 'number | function' && typeof value === 'function')) {
    if (typeof value !== 'function')
      fail('type', `breaker option ${key} must be a function, got ${quote(value)}`);
    return value;
  }
  if (type === 'string') {
    if (typeof value !== 'string')
      fail('type', `breaker option ${key} must be a string, got ${quote(value)}`);
    return value;
  }
  if (type !== 'number' && type !== 'number | function') return value;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    fail('type', `breaker option ${key} must be a number, got ${quote(value)}`);
  }
  if (range === undefined) return value;
  const min = range.min;
  if (spec.belowMin !== undefined && min !== undefined) {
    const below = range.minOpen === true ? !(value > min) : !(value >= min);
    if (below) return spec.belowMin === 'clamp' ? min : undefined;
  }
  if (!inRange(value, range))
    fail('range', `breaker option ${key} must be ${range.text}, got ${quote(value)}`);
  return value;
}

function resolveWindow(value: unknown): ResolvedOptions['window'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    fail(
      'type',
      `breaker option window must be an object like { kind: 'count', size: 100 }, got ${quote(value)}`,
    );
  }
  const kind = readOwn(value, 'kind', 'window.kind');
  if (kind !== 'count' && kind !== 'time') {
    fail('type', `breaker option window.kind must be 'count' or 'time', got ${quote(kind)}`);
  }
  const allowed = kind === 'count' ? ['kind', 'size'] : ['kind', 'size', 'buckets'];
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail('type', `unknown breaker option window.${key}${didYouMean(key, allowed, 'window.')}`);
    }
  }
  const size = readOwn(value, 'size', 'window.size');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    fail('range', `breaker option window.size must be an integer >= 1, got ${quote(size)}`);
  }
  if (kind === 'count') {
    if (size > MAX_COUNT_WINDOW) {
      fail(
        'range',
        `breaker option window.size must be at most ${MAX_COUNT_WINDOW} calls for a count window, got ${quote(size)}`,
      );
    }
    return { kind, size };
  }
  const buckets = readOwn(value, 'buckets', 'window.buckets') ?? 10;
  if (typeof buckets !== 'number' || !Number.isInteger(buckets) || buckets < 1) {
    fail('range', `breaker option window.buckets must be an integer >= 1, got ${quote(buckets)}`);
  }
  if (buckets > MAX_WINDOW_BUCKETS) {
    fail(
      'range',
      `breaker option window.buckets must be at most ${MAX_WINDOW_BUCKETS}, got ${quote(buckets)}`,
    );
  }
  if (buckets > size || size % buckets !== 0) {
    fail(
      'range',
      `breaker option window.buckets (${buckets}) must divide window.size (${size} ms) into whole milliseconds`,
    );
  }
  return { kind, size, buckets };
}

function resolveRules(value: unknown): readonly TripRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail('type', `breaker option rules must be an array of trip rules, got ${quote(value)}`);
  }
  value.forEach((rule: unknown, i) => {
    if (typeof rule !== 'object' || rule === null) {
      fail('type', `breaker option rules[${i}] must be a trip rule object, got ${quote(rule)}`);
    }
    const name = readOwnOrInherited(rule, 'name');
    if (typeof name !== 'string') {
      fail('type', `breaker option rules[${i}].name must be a string, got ${quote(name)}`);
    }
    for (const key of ['shouldTrip', 'observe', 'rejectionShare'] as const) {
      const v = readOwnOrInherited(rule, key);
      if ((v !== undefined || key === 'shouldTrip') && typeof v !== 'function') {
        fail('type', `breaker option rules[${i}].${key} must be a function, got ${quote(v)}`);
      }
    }
  });
  return [...(value as TripRule[])];
}

// Rules and clocks may be class instances: their methods live on the prototype.
function readOwnOrInherited(target: object, key: string): unknown {
  return (target as Record<string, unknown>)[key];
}

/**
 * Applies defaults and coercions, and validates every option against
 * {@link BREAKER_OPTION_TABLE}: a bad value throws a TypeError (wrong type) or RangeError (out of
 * range) that names the option and quotes the value. Only own properties are options; `null`
 * is a wrong type for every option (leave the key out, or `undefined`, for the default).
 */
export function resolveOptions(options: BreakerOptions = {}): ResolvedOptions {
  const source: unknown = options;
  if (typeof source !== 'object' || source === null) {
    fail('type', `breaker options must be an object, got ${quote(source)}`);
  }
  for (const key of Object.keys(source)) {
    if (!BREAKER_OPTION_KEYS.includes(key)) {
      fail('type', unknownKeyMessage('breaker option', key, BREAKER_OPTION_KEYS));
    }
  }
  const given: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const spec of BREAKER_OPTION_TABLE)
    given[spec.key] = checked(spec, readOwn(source, spec.key, spec.key));

  const window = resolveWindow(given.window);
  const failureRateThreshold = given.failureRateThreshold as number | undefined;
  const slowCallRateThreshold = given.slowCallRateThreshold as number | undefined;
  const slowCallDuration = given.slowCallDuration as number | undefined;
  const rates = failureRateThreshold !== undefined || slowCallRateThreshold !== undefined;
  if (rates && !window) {
    const key =
      failureRateThreshold !== undefined ? 'failureRateThreshold' : 'slowCallRateThreshold';
    fail(
      'type',
      `breaker option ${key} needs a window (e.g. window: { kind: 'count', size: 100 })`,
    );
  }
  if (slowCallRateThreshold !== undefined && slowCallDuration === undefined) {
    fail('type', 'breaker option slowCallRateThreshold needs slowCallDuration');
  }
  const clockGiven: unknown = given.clock === undefined ? systemClock : given.clock;
  if (
    typeof clockGiven !== 'object' ||
    clockGiven === null ||
    typeof (clockGiven as Partial<Clock>).now !== 'function'
  ) {
    fail('type', `breaker option clock must have a now() method, got ${quote(clockGiven)}`);
  }
  const clock = clockGiven as Clock;
  const confidence = given.confidence as number | undefined;
  if (confidence !== undefined && !window) {
    fail(
      'type',
      "breaker option confidence needs a window (e.g. window: { kind: 'count', size: 100 })",
    );
  }
  if (confidence !== undefined && !rates) {
    fail('type', 'breaker option confidence needs failureRateThreshold or slowCallRateThreshold');
  }
  const readyToTrip = given.readyToTrip as ResolvedOptions['readyToTrip'];
  return {
    name: (given.name as string | undefined) ?? '',
    maxRequests: (given.maxRequests as number | undefined) ?? 1,
    interval: (given.interval as number | undefined) ?? 0,
    timeout: (given.timeout as ResolvedOptions['timeout'] | undefined) ?? DEFAULT_TIMEOUT,
    readyToTrip: readyToTrip ?? (rates ? undefined : defaultReadyToTrip),
    isSuccessful: given.isSuccessful as ResolvedOptions['isSuccessful'],
    isExcluded: given.isExcluded as ResolvedOptions['isExcluded'],
    window,
    failureRateThreshold,
    slowCallDuration,
    slowCallRateThreshold,
    minimumCalls: (given.minimumCalls as number | undefined) ?? 1,
    callTimeout: given.callTimeout as number | undefined,
    halfOpenTimeout: (given.halfOpenTimeout as number | undefined) ?? DEFAULT_TIMEOUT,
    clock,
    rules: resolveRules(given.rules),
    random: (given.random as (() => number) | undefined) ?? Math.random,
    confidence,
  };
}
