import { systemClock, type Clock } from './clock.js';
import type { TripRule } from './rules.js';
import type { CircuitState, Counts, WindowOptions } from './types.js';

/** The default trip rule: more than five consecutive failures. */
export const defaultReadyToTrip = (counts: Counts): boolean => counts.consecutiveFailures > 5;

/** Default open -> half-open wait, in ms; also what values <= 0 become. */
export const DEFAULT_TIMEOUT = 60_000;

/** Options of {@link CircuitBreaker}. Durations are milliseconds. */
export interface BreakerOptions {
  /** Shown in errors, events and metrics. Default `''`. */
  name?: string;
  /**
   * In half-open: calls admitted per episode, and consecutive successes that close the breaker.
   * Default 1; values < 1 become 1.
   */
  maxRequests?: number;
  /** In closed state, counts are cleared every `interval` ms. Default 0 (values <= 0: never). */
  interval?: number;
  /**
   * Open -> half-open after this many ms. Default 60000 (values <= 0 become 60000). A function
   * `(opens) => ms` backs off: `opens` is 1 for the first open since the breaker last closed.
   */
  timeout?: number | ((opens: number) => number);
  /** Called with a copy of the counts after every failure recorded in closed state. */
  readyToTrip?: (counts: Counts) => boolean;
  /** `true` records a thrown value as a success (the caller still gets the error). */
  isSuccessful?: (error: unknown) => boolean;
  /**
   * `true` records a thrown value as neither success nor failure. Checked first, after the
   * refusals of policies inside the breaker (bulkhead full, an inner breaker open), which are
   * always excluded.
   */
  isExcluded?: (error: unknown) => boolean;
  /** `(name, from, to)` after every change of state has taken effect. */
  onStateChange?: (name: string, from: CircuitState, to: CircuitState) => void;
  /** Sliding window for the rate rules. Default none. */
  window?: WindowOptions;
  /** Percent (0 < x <= 100): trip when failures / calls in the window >= this. */
  failureRateThreshold?: number;
  /** A call that takes strictly longer than this many ms is slow. */
  slowCallDuration?: number;
  /** Percent (0 < x <= 100): trip when slow / calls in the window >= this. */
  slowCallRateThreshold?: number;
  /** Fewest calls (successes + failures) in the window before the rate rules apply. Default 1. */
  minimumCalls?: number;
  /** Each call's signal aborts after this many ms; the call fails with CallTimeoutError. */
  callTimeout?: number;
  /**
   * Half-open probe deadline in ms: when admitted probes have not settled this long after the
   * last admission, the breaker opens again (their late results are ignored) instead of staying
   * half-open forever. Default 60000; `Infinity` turns it off.
   */
  halfOpenTimeout?: number;
  /** The only source of time. Default: `Date.now()` and unref'd `setTimeout`. */
  clock?: Clock;
  /** A state saved by `toJSON()`, to carry a breaker across process restarts. */
  initialState?: BreakerSnapshot;
  /** Extra trip rules, OR-ed with the built-in ones (see {@link TripRule}). Default none. */
  rules?: readonly TripRule[];
  /** Source of uniform numbers in [0, 1) for the rules' `rejectionShare`. Default `Math.random`. */
  random?: () => number;
  /**
   * Confidence (0 < c < 1) for the rate rules: each trips when the one-sided Wilson lower bound
   * of its rate at this confidence is at or above its threshold. Needs a `window` and a rate
   * threshold. Default none (the observed rate is compared).
   */
  confidence?: number;
}

/** What `toJSON()` returns and `initialState` accepts. Times are in the clock's ms. */
export interface BreakerSnapshot {
  name: string;
  state: CircuitState;
  counts: Counts;
  /** Opens since the breaker was last closed (drives a `timeout` function). */
  opens: number;
  /** When the breaker last opened; `null` when it has not. */
  openedAt: number | null;
  /** When an open breaker turns half-open; `null` otherwise. */
  halfOpenAt: number | null;
  /** Start of the current closed generation (interval resets align to it). */
  generationStart: number;
  /** `'open'` after forceOpen(), `'disabled'` after disable(), else `null`. */
  forced: 'open' | 'disabled' | null;
  /** The window's buckets or ring, when a window is configured. */
  window?: import('./windows/window.js').WindowState;
}

/** Options after defaults, coercion and validation. Internal. */
export interface ResolvedOptions {
  name: string;
  maxRequests: number;
  interval: number;
  timeout: number | ((opens: number) => number);
  readyToTrip: ((counts: Counts) => boolean) | undefined;
  isSuccessful: ((error: unknown) => boolean) | undefined;
  isExcluded: ((error: unknown) => boolean) | undefined;
  window: Required<WindowOptions> | { kind: 'count'; size: number } | undefined;
  failureRateThreshold: number | undefined;
  slowCallDuration: number | undefined;
  slowCallRateThreshold: number | undefined;
  minimumCalls: number;
  callTimeout: number | undefined;
  halfOpenTimeout: number;
  clock: Clock;
  rules: readonly TripRule[];
  random: () => number;
  confidence: number | undefined;
}

const KNOWN = [
  'name',
  'maxRequests',
  'interval',
  'timeout',
  'readyToTrip',
  'isSuccessful',
  'isExcluded',
  'onStateChange',
  'window',
  'failureRateThreshold',
  'slowCallDuration',
  'slowCallRateThreshold',
  'minimumCalls',
  'callTimeout',
  'halfOpenTimeout',
  'clock',
  'initialState',
  'rules',
  'random',
  'confidence',
] as const;

/** Quotes a value for an error message: strings in quotes, numbers as they print. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  // JSON would print NaN and Infinity as null, quoting a value the caller never gave.
  if (typeof value === 'number') return String(value);
  try {
    const json = JSON.stringify(value) as string | undefined;
    return json ?? String(value);
  } catch {
    return String(value);
  }
}

/** Levenshtein distance, for "did you mean" hints on unknown keys. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest of `candidates` to `key`, when it is close enough to be a likely typo. */
export function suggest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(key.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function fail(kind: 'type' | 'range', message: string): never {
  throw kind === 'type' ? new TypeError(message) : new RangeError(message);
}

function num(options: BreakerOptions, key: keyof BreakerOptions): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    fail('type', `breaker option ${key} must be a number, got ${quote(value)}`);
  }
  return value;
}

function fn(options: BreakerOptions, key: keyof BreakerOptions): void {
  const value = options[key];
  if (value !== undefined && typeof value !== 'function') {
    fail('type', `breaker option ${key} must be a function, got ${quote(value)}`);
  }
}

function percent(options: BreakerOptions, key: keyof BreakerOptions): number | undefined {
  const value = num(options, key);
  if (value !== undefined && !(value > 0 && value <= 100)) {
    fail('range', `breaker option ${key} must be a percentage in (0, 100], got ${quote(value)}`);
  }
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
  const w = value as Record<string, unknown>;
  const kind = w.kind;
  if (kind !== 'count' && kind !== 'time') {
    fail('type', `breaker option window.kind must be 'count' or 'time', got ${quote(kind)}`);
  }
  for (const key of Object.keys(w)) {
    const allowed = kind === 'count' ? ['kind', 'size'] : ['kind', 'size', 'buckets'];
    if (!allowed.includes(key)) {
      const hint = suggest(key, allowed);
      fail(
        'type',
        `unknown breaker option window.${key}${hint ? ` (did you mean window.${hint}?)` : ''}`,
      );
    }
  }
  const size = w.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    fail('range', `breaker option window.size must be an integer >= 1, got ${quote(size)}`);
  }
  if (kind === 'count') return { kind, size };
  const buckets = w.buckets ?? 10;
  if (typeof buckets !== 'number' || !Number.isInteger(buckets) || buckets < 1) {
    fail('range', `breaker option window.buckets must be an integer >= 1, got ${quote(buckets)}`);
  }
  if (buckets > size || size % buckets !== 0) {
    fail(
      'range',
      `breaker option window.buckets (${buckets}) must divide window.size (${size} ms) into whole milliseconds`,
    );
  }
  return { kind, size, buckets };
}

/**
 * Applies defaults and coercions, and validates every option: a bad value throws a TypeError
 * (wrong type) or RangeError (out of range) that names the option and quotes the value.
 */
export function resolveOptions(options: BreakerOptions = {}): ResolvedOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    fail('type', `breaker options must be an object, got ${quote(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      const hint = suggest(key, KNOWN);
      fail('type', `unknown breaker option ${key}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  const name = options.name ?? '';
  if (typeof name !== 'string')
    fail('type', `breaker option name must be a string, got ${quote(name)}`);

  let maxRequests = num(options, 'maxRequests') ?? 1;
  if (maxRequests < 1) maxRequests = 1;
  if (!Number.isInteger(maxRequests)) {
    fail('range', `breaker option maxRequests must be an integer, got ${quote(maxRequests)}`);
  }
  let interval = num(options, 'interval') ?? 0;
  if (interval <= 0) interval = 0;

  let timeout: ResolvedOptions['timeout'] = DEFAULT_TIMEOUT;
  if (typeof options.timeout === 'function') timeout = options.timeout;
  else {
    const t = num(options, 'timeout');
    if (t !== undefined && t > 0) timeout = t;
  }

  const window = resolveWindow(options.window);
  const failureRateThreshold = percent(options, 'failureRateThreshold');
  const slowCallRateThreshold = percent(options, 'slowCallRateThreshold');
  const slowCallDuration = num(options, 'slowCallDuration');
  if (slowCallDuration !== undefined && !(slowCallDuration >= 0)) {
    fail(
      'range',
      `breaker option slowCallDuration must be >= 0 ms, got ${quote(slowCallDuration)}`,
    );
  }
  if ((failureRateThreshold !== undefined || slowCallRateThreshold !== undefined) && !window) {
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
  const minimumCalls = num(options, 'minimumCalls') ?? 1;
  if (!Number.isInteger(minimumCalls) || minimumCalls < 1) {
    fail(
      'range',
      `breaker option minimumCalls must be an integer >= 1, got ${quote(minimumCalls)}`,
    );
  }
  const callTimeout = num(options, 'callTimeout');
  if (callTimeout !== undefined && !(callTimeout > 0 && callTimeout < 2 ** 31)) {
    fail(
      'range',
      `breaker option callTimeout must be > 0 and < 2^31 ms, got ${quote(callTimeout)}`,
    );
  }
  const halfOpenTimeout = num(options, 'halfOpenTimeout') ?? DEFAULT_TIMEOUT;
  if (!(halfOpenTimeout > 0)) {
    fail(
      'range',
      `breaker option halfOpenTimeout must be > 0 ms (Infinity: off), got ${quote(halfOpenTimeout)}`,
    );
  }

  fn(options, 'readyToTrip');
  fn(options, 'isSuccessful');
  fn(options, 'isExcluded');
  const explicitTrip = options.readyToTrip;
  const rates = failureRateThreshold !== undefined || slowCallRateThreshold !== undefined;
  const clock = options.clock ?? systemClock;
  if (typeof clock !== 'object' || typeof (clock as Partial<Clock>).now !== 'function') {
    fail('type', `breaker option clock must have a now() method, got ${quote(clock)}`);
  }
  fn(options, 'onStateChange');
  fn(options, 'random');
  const rules = resolveRules(options.rules);
  const confidence = num(options, 'confidence');
  if (confidence !== undefined) {
    if (!(confidence > 0 && confidence < 1)) {
      fail('range', `breaker option confidence must be in (0, 1), got ${quote(confidence)}`);
    }
    if (!window) {
      fail(
        'type',
        "breaker option confidence needs a window (e.g. window: { kind: 'count', size: 100 })",
      );
    }
    if (!rates) {
      fail('type', 'breaker option confidence needs failureRateThreshold or slowCallRateThreshold');
    }
  }
  return {
    name,
    maxRequests,
    interval,
    timeout,
    readyToTrip: explicitTrip ?? (rates ? undefined : defaultReadyToTrip),
    isSuccessful: options.isSuccessful,
    isExcluded: options.isExcluded,
    window,
    failureRateThreshold,
    slowCallDuration,
    slowCallRateThreshold,
    minimumCalls,
    callTimeout,
    halfOpenTimeout,
    clock,
    rules,
    random: options.random ?? Math.random,
    confidence,
  };
}

function resolveRules(value: unknown): readonly TripRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail('type', `breaker option rules must be an array of trip rules, got ${quote(value)}`);
  }
  value.forEach((rule: unknown, i) => {
    const r = rule as Partial<Record<keyof TripRule, unknown>> | null;
    if (typeof r !== 'object' || r === null) {
      fail('type', `breaker option rules[${i}] must be a trip rule object, got ${quote(rule)}`);
    }
    if (typeof r.name !== 'string') {
      fail('type', `breaker option rules[${i}].name must be a string, got ${quote(r.name)}`);
    }
    for (const key of ['shouldTrip', 'observe', 'rejectionShare'] as const) {
      const v = r[key];
      if ((v !== undefined || key === 'shouldTrip') && typeof v !== 'function') {
        fail('type', `breaker option rules[${i}].${key} must be a function, got ${quote(v)}`);
      }
    }
  });
  return [...(value as TripRule[])];
}
