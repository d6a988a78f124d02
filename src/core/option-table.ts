import { suggest } from './suggest.js';

/**
 * The longest delay a Node timer takes, in ms (2^31 - 1): `setTimeout` turns anything longer
 * into 1 ms. Every duration option that arms a timer is checked against it.
 */
export const TIMER_LIMIT_MS = 2 ** 31 - 1;

/** Most calls a count window keeps (9 bytes a call: ~9 MB at the limit). */
export const MAX_COUNT_WINDOW = 1_000_000;

/** Most buckets a time window keeps (16 bytes a bucket). */
export const MAX_WINDOW_BUCKETS = 10_000;

/**
 * `' (did you mean X?)'` for the closest of `candidates` to `key` when it is a likely typo, else
 * `''`. `prefix` goes before the suggestion (`'window.'`, `'--'`).
 */
export function didYouMean(key: string, candidates: readonly string[], prefix = ''): string {
  const hint = suggest(key, candidates);
  return hint === undefined ? '' : ` (did you mean ${prefix}${hint}?)`;
}

/**
 * The one message for an unknown key: `unknown <label> <key> (did you mean <hint>?)`, e.g.
 * `unknownKeyMessage('breaker option', 'maxRequest', keys)`.
 */
export function unknownKeyMessage(
  label: string,
  key: string,
  candidates: readonly string[],
): string {
  return `unknown ${label} ${key}${didYouMean(key, candidates)}`;
}

/** A number option's range; bounds are inclusive unless marked open. */
export interface OptionRange {
  min?: number;
  /** `min` itself is out of range. */
  minOpen?: boolean;
  max?: number;
  /** `max` itself is out of range. */
  maxOpen?: boolean;
  integer?: boolean;
  /** The range as error messages and docs word it: `'an integer >= 1'`. */
  text: string;
}

/** One row of {@link BREAKER_OPTION_TABLE}. */
export interface OptionSpec {
  readonly key: string;
  readonly type: 'string' | 'number' | 'function' | 'number | function' | 'object' | 'array';
  /** `'ms'`, `'%'`, `'calls'`, or `''` for none. */
  readonly unit: string;
  /** The default, as docs show it. */
  readonly default: string;
  /** Numbers: the valid range (checked after any `belowMin` coercion). */
  readonly range?: OptionRange;
  /** Numbers below `min` are not an error but become the minimum, or the default. */
  readonly belowMin?: 'clamp' | 'default';
  readonly description: string;
}

/**
 * Every breaker option: what the core validates, and what tools (config schemas, dashboards,
 * docs) describe. `null` is a wrong type for every option (a TypeError naming it); `undefined`
 * or a missing key gives the default.
 */
export const BREAKER_OPTION_TABLE: readonly OptionSpec[] = [
  {
    key: 'name',
    type: 'string',
    unit: '',
    default: "''",
    description: 'Shown in errors, events and metrics.',
  },
  {
    key: 'maxRequests',
    type: 'number',
    unit: 'calls',
    default: '1',
    range: { min: 1, integer: true, text: 'an integer' },
    belowMin: 'clamp',
    description: 'Half-open: probes admitted per episode, and consecutive successes that close.',
  },
  {
    key: 'interval',
    type: 'number',
    unit: 'ms',
    default: '0 (never)',
    range: { min: 0, text: '>= 0 ms' },
    belowMin: 'clamp',
    description: 'Closed: counts are cleared every interval.',
  },
  {
    key: 'timeout',
    type: 'number | function',
    unit: 'ms',
    default: '60000',
    belowMin: 'default',
    range: { min: 0, minOpen: true, text: '> 0 ms' },
    description: 'Open -> half-open wait; `(opens) => ms` backs off.',
  },
  {
    key: 'readyToTrip',
    type: 'function',
    unit: '',
    default: 'consecutiveFailures > 5',
    description: 'Trips on a failure when it returns true.',
  },
  {
    key: 'isSuccessful',
    type: 'function',
    unit: '',
    default: 'none',
    description: 'A thrown value it accepts is a success.',
  },
  {
    key: 'isExcluded',
    type: 'function',
    unit: '',
    default: 'none',
    description: 'A thrown value it accepts is neither success nor failure.',
  },
  {
    key: 'onStateChange',
    type: 'function',
    unit: '',
    default: 'none',
    description: '(name, from, to) after every change of state.',
  },
  {
    key: 'window',
    type: 'object',
    unit: '',
    default: 'none',
    description: "Sliding window for the rate rules: { kind: 'count' | 'time', size, buckets? }.",
  },
  {
    key: 'failureRateThreshold',
    type: 'number',
    unit: '%',
    default: 'none',
    range: { min: 0, minOpen: true, max: 100, text: 'a percentage in (0, 100]' },
    description: 'Trip when failures / calls in the window reach it.',
  },
  {
    key: 'slowCallDuration',
    type: 'number',
    unit: 'ms',
    default: 'none',
    range: { min: 0, text: '>= 0 ms' },
    description: 'A call longer than this is slow.',
  },
  {
    key: 'slowCallRateThreshold',
    type: 'number',
    unit: '%',
    default: 'none',
    range: { min: 0, minOpen: true, max: 100, text: 'a percentage in (0, 100]' },
    description: 'Trip when slow calls / calls in the window reach it.',
  },
  {
    key: 'minimumCalls',
    type: 'number',
    unit: 'calls',
    default: '1',
    range: { min: 1, integer: true, text: 'an integer >= 1' },
    description: 'Fewest calls in the window before the rate rules apply.',
  },
  {
    key: 'callTimeout',
    type: 'number',
    unit: 'ms',
    default: 'none',
    range: { min: 0, minOpen: true, max: TIMER_LIMIT_MS, text: '> 0 and < 2^31 ms' },
    description: "Each call's signal aborts after this; the call fails with CallTimeoutError.",
  },
  {
    key: 'halfOpenTimeout',
    type: 'number',
    unit: 'ms',
    default: '60000',
    range: { min: 0, minOpen: true, text: '> 0 ms (Infinity: off)' },
    description:
      'Half-open: probes unsettled this long after the last admission reopen the breaker.',
  },
  {
    key: 'clock',
    type: 'object',
    unit: '',
    default: 'system clock',
    description: 'The only source of time: { now(), schedule?() }.',
  },
  {
    key: 'initialState',
    type: 'object',
    unit: '',
    default: 'none',
    description: 'A state saved by toJSON().',
  },
  {
    key: 'rules',
    type: 'array',
    unit: '',
    default: '[]',
    description: 'Extra trip rules, OR-ed with the built-in ones.',
  },
  {
    key: 'random',
    type: 'function',
    unit: '',
    default: 'Math.random',
    description: "Uniform [0, 1) numbers for the rules' rejectionShare.",
  },
  {
    key: 'confidence',
    type: 'number',
    unit: '',
    default: 'none',
    range: { min: 0, minOpen: true, max: 1, maxOpen: true, text: 'in (0, 1)' },
    description: 'Rate rules compare the one-sided Wilson lower bound at this confidence.',
  },
];

/** The keys of {@link BREAKER_OPTION_TABLE}, in order. */
export const BREAKER_OPTION_KEYS: readonly string[] = BREAKER_OPTION_TABLE.map((spec) => spec.key);

/** True when `value` is in `range`. */
export function inRange(value: number, range: OptionRange): boolean {
  if (range.integer === true && !Number.isInteger(value)) return false;
  if (
    range.min !== undefined &&
    (range.minOpen === true ? !(value > range.min) : !(value >= range.min))
  ) {
    return false;
  }
  if (
    range.max !== undefined &&
    (range.maxOpen === true ? !(value < range.max) : !(value <= range.max))
  ) {
    return false;
  }
  return true;
}
