import { quote } from './options.js';

/**
 * A state decision taken outside this breaker (by a fleet coordinator, say), applied with
 * `breaker.decide(decision)`. Times are the breaker clock's ms.
 * - `open`: open now (from closed or half-open); half-open at `at + wait` (`at` defaults to
 *   `clock.now()`, `wait` to the breaker's normal open wait). Already open: only moves the
 *   half-open time.
 * - `half-open`: open -> half-open now (this instance may run the probes).
 * - `close`: -> closed now, new generation, counts cleared (a no-op while closed).
 * - `hold-open`: stay open, and do not turn half-open by elapsed time until `until` (default
 *   `Infinity`: until the next decision); half-open with no probe admitted yet goes back to open.
 * - `release`: drop any hold, back to purely local timing.
 */
export type ExternalDecision =
  | { type: 'open'; at?: number; wait?: number }
  | { type: 'half-open' }
  | { type: 'close' }
  | { type: 'hold-open'; until?: number }
  | { type: 'release' };

const TYPES = ['open', 'half-open', 'close', 'hold-open', 'release'];

function badField(field: string, expected: string, value: unknown): never {
  throw new TypeError(
    `decide(decision): decision.${field} must be ${expected}, got ${quote(value)}`,
  );
}

/** Checks a decision's shape; a TypeError names the bad field and quotes its value. */
export function checkDecision(value: unknown): ExternalDecision {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`decide(decision): decision must be an object, got ${quote(value)}`);
  }
  const d = value as Record<string, unknown>;
  const type = d.type;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    badField('type', TYPES.map((t) => `'${t}'`).join(', '), type);
  }
  if (type === 'open') {
    if (d.at !== undefined && (typeof d.at !== 'number' || !Number.isFinite(d.at))) {
      badField('at', 'a finite time in ms', d.at);
    }
    if (
      d.wait !== undefined &&
      (typeof d.wait !== 'number' || !(d.wait >= 0) || d.wait === Infinity)
    ) {
      badField('wait', 'a finite number of ms >= 0', d.wait);
    }
  } else if (type === 'hold-open') {
    if (d.until !== undefined && (typeof d.until !== 'number' || Number.isNaN(d.until))) {
      badField('until', 'a time in ms (Infinity: until the next decision)', d.until);
    }
  }
  return value as ExternalDecision;
}
