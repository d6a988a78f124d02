import { quote, type BreakerSnapshot } from './options.js';

const STATES = ['closed', 'half-open', 'open'];
const COUNT_KEYS = [
  'requests',
  'totalSuccesses',
  'totalFailures',
  'totalExclusions',
  'consecutiveSuccesses',
  'consecutiveFailures',
] as const;

/** What restoring needs of a breaker. */
export interface Restorable {
  restore(snapshot: BreakerSnapshot, now: number): void;
}

function bad(field: string, expected: string, value: unknown): never {
  const where = field === '' ? 'initialState' : `initialState.${field}`;
  throw new TypeError(`${where}: expected ${expected}, got ${quote(value)}`);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks a snapshot from `toJSON()` field by field (a TypeError names the first bad field and
 * quotes its value), then applies it. A snapshot of an open breaker keeps its `halfOpenAt`, so a
 * process restored later turns half-open at the time the first one would have.
 */
export function restoreSnapshot(target: Restorable, value: unknown, now: number): void {
  if (typeof value !== 'object' || value === null) bad('', 'an object from toJSON()', value);
  const s = value as Record<string, unknown>;
  if (!STATES.includes(s.state as string)) bad('state', "'closed', 'half-open' or 'open'", s.state);
  if (typeof s.counts !== 'object' || s.counts === null) bad('counts', 'an object', s.counts);
  const counts = s.counts as Record<string, unknown>;
  for (const key of COUNT_KEYS) {
    if (!isCount(counts[key])) bad(`counts.${key}`, 'an integer >= 0', counts[key]);
  }
  if (s.opens !== undefined && !isCount(s.opens)) bad('opens', 'an integer >= 0', s.opens);
  if (s.openedAt !== undefined && s.openedAt !== null && !isTime(s.openedAt)) {
    bad('openedAt', 'a time in ms or null', s.openedAt);
  }
  if (s.halfOpenAt !== undefined && s.halfOpenAt !== null && !isTime(s.halfOpenAt)) {
    bad('halfOpenAt', 'a time in ms or null', s.halfOpenAt);
  }
  if (s.generationStart !== undefined && !isTime(s.generationStart)) {
    bad('generationStart', 'a time in ms', s.generationStart);
  }
  const forced = s.forced ?? null;
  if (forced !== null && forced !== 'open' && forced !== 'disabled') {
    bad('forced', "'open', 'disabled' or null", forced);
  }
  if (forced === 'open' && s.state !== 'open')
    bad('state', "'open' when forced is 'open'", s.state);
  if (forced === 'disabled' && s.state !== 'closed') {
    bad('state', "'closed' when forced is 'disabled'", s.state);
  }
  const snapshot: BreakerSnapshot = {
    name: typeof s.name === 'string' ? s.name : '',
    state: s.state as BreakerSnapshot['state'],
    counts: Object.fromEntries(
      COUNT_KEYS.map((k) => [k, counts[k] as number]),
    ) as unknown as BreakerSnapshot['counts'],
    opens: isCount(s.opens) ? s.opens : s.state === 'closed' ? 0 : 1,
    openedAt: isTime(s.openedAt) ? s.openedAt : null,
    halfOpenAt: isTime(s.halfOpenAt) ? s.halfOpenAt : null,
    generationStart: isTime(s.generationStart) ? s.generationStart : now,
    forced,
  };
  if (s.window !== undefined) snapshot.window = s.window as NonNullable<BreakerSnapshot['window']>;
  target.restore(snapshot, now);
}
