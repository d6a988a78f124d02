import { quote } from '../core/options.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

// One or more `<number><unit>` parts (`1m30s`), or a bare number of milliseconds.
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/g;
const WHOLE = /^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|s|m|h))+$/;
const BARE = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/**
 * Parses a duration given on the command line into milliseconds: `250ms`, `30s`, `5m`, `1h`,
 * combinations such as `1m30s`, or a bare number of milliseconds (`1500`). Decimals are allowed
 * (`1.5s` is 1500). Signs, exponents, spaces inside and unknown units are not.
 *
 * This one is for CLI flags only; configuration files have their own parser in the manager.
 *
 * @returns the duration in ms (>= 0, finite)
 * @throws RangeError quoting the text when it is not a duration
 */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (BARE.test(s)) return checked(Number(s), text);
  if (!WHOLE.test(s)) {
    throw new RangeError(
      `${quote(text)} is not a duration: use a number with a unit (250ms, 30s, 5m, 1h, 1m30s) or a number of milliseconds`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of s.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return checked(total, text);
}

function checked(ms: number, text: string): number {
  if (!Number.isFinite(ms)) throw new RangeError(`${quote(text)} is too long a duration`);
  return ms;
}
