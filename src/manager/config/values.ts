import { quote } from '../../core/options.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
// One or more `<number><unit>` parts, a space allowed before a unit and between parts.
const PART_SOURCE = String.raw`(\d+(?:\.\d+)?|\.\d+) ?(ms|s|m|h)`;
const DURATION = new RegExp(`^${PART_SOURCE}(?: ?${PART_SOURCE})*$`);
const PART = new RegExp(PART_SOURCE, 'g');
const PERCENT = /^(\d+(?:\.\d+)?|\.\d+) ?%$/;

/** Quotes a value for a message; a missing one is "nothing", numbers print as they are. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  return quote(value);
}

/** Bounds of {@link parseDuration}. */
export interface DurationBounds {
  /** `true`: 0 is refused (a wait of 0 makes no sense for this setting). Default false. */
  positive?: boolean;
  /** Largest value in ms. Default `Number.MAX_SAFE_INTEGER`. */
  max?: number;
}

/**
 * Reads a duration: the one duration grammar of breakwater, for config files, CLI flags and your
 * own settings. A number is milliseconds (`250`); a string is one or more parts of a number and
 * a unit, `ms`, `s`, `m` or `h`: `"250ms"`, `"30s"`, `"30 s"`, `"1.5m"`, `"2h"`, `"1m30s"`,
 * `"1h 2m 3s"`. White space around it is ignored. A string without a unit (`"30"`) is refused:
 * in a file it is ambiguous (the CLI reads a bare number on the command line as ms itself).
 *
 * @returns milliseconds
 * @throws TypeError for anything else, RangeError for a value out of bounds; the message quotes
 * the value: `expected a duration like "30s", got "thirty"`.
 */
export function parseDuration(value: unknown, bounds: DurationBounds = {}): number {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value;
  else {
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text === undefined || !DURATION.test(text)) {
      throw new TypeError(`expected a duration like "30s", got ${show(value)}`);
    }
    ms = 0;
    for (const [, amount, unit] of text.matchAll(PART)) {
      ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    }
  }
  if (ms < 0) throw new RangeError(`expected a duration >= 0, got ${show(value)}`);
  if (bounds.positive === true && ms === 0) {
    throw new RangeError(`expected a duration > 0, got ${show(value)}`);
  }
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!(ms <= max)) {
    throw new RangeError(`expected a duration of at most ${max} ms, got ${show(value)}`);
  }
  return ms;
}

/**
 * Reads a percentage: a number in (0, 100] or a string such as `"50%"`.
 * @returns the percentage as a number (`"50%"` -> 50)
 * @throws TypeError / RangeError quoting the value
 */
export function parsePercent(value: unknown): number {
  let percent: number;
  if (typeof value === 'number' && Number.isFinite(value)) percent = value;
  else {
    const match = typeof value === 'string' ? PERCENT.exec(value) : null;
    if (!match) throw new TypeError(`expected a percentage like 50 or "50%", got ${show(value)}`);
    percent = Number(match[1]);
  }
  if (!(percent > 0 && percent <= 100)) {
    throw new RangeError(`expected a percentage in (0, 100], got ${show(value)}`);
  }
  return percent;
}

/**
 * Reads an integer >= `min` (a count of calls, buckets, breakers).
 * @throws TypeError / RangeError quoting the value
 */
export function parseInteger(value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const error = typeof value === 'number' ? RangeError : TypeError;
    throw new error(`expected an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

/**
 * Reads a finite number >= `min` (a backoff multiplier).
 * @throws TypeError / RangeError quoting the value
 */
export function parseNumber(value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const error = typeof value === 'number' ? RangeError : TypeError;
    throw new error(`expected a number >= ${min}, got ${show(value)}`);
  }
  return value;
}
