import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { systemClock, type Clock } from '../core/clock.js';
import { quote, suggest } from '../core/options.js';
import { checkPanels, type DashboardPanel } from './panels.js';
import type { DashboardLink } from './types.js';

/** Options of `dashboard()`. Durations are milliseconds. */
export interface DashboardOptions {
  /** Shown as the page's title and heading. Default `'breakwater'`. */
  title?: string;
  /**
   * Time for history and event times, and the timers of the event stream (its `schedule`, when
   * it has one; else unref'd `setTimeout`). Default: the system clock.
   */
  clock?: Clock;
  /** Ms between the updates pushed to each page. Default 1000. */
  updateInterval?: number;
  /** Ms between heartbeat comments on the event stream (keeps proxies from closing it). Default 15000. */
  heartbeatInterval?: number;
  /** How far back the sparkline reaches, in ms: a whole number of seconds, 10 s to 1 h. Default 300000 (5 min). */
  historyWindow?: number;
  /** Transitions kept per breaker. Default 50. */
  transitionsKept?: number;
  /**
   * Percent (0 < x <= 100): the fleet cascade signal is on while more than this share of the
   * breakers is open. Used when the target has no signal of its own. A manager has one, which
   * decides; given with a manager, this only labels the page's meter (pass the manager's own
   * settings). Default 50.
   */
  cascadeThreshold?: number;
  /** Fewest open breakers that make a cascade (integer >= 1), used like `cascadeThreshold`. Default 2. */
  cascadeMinimumOpen?: number;
  /** A line of text shown under a breaker's name (where its dependency lives, say). */
  describe?: (breaker: CircuitBreaker) => string | undefined;
  /** Links shown in the page's footer (`/metrics`, `/readyz`, ...). */
  links?: readonly DashboardLink[];
  /** Extra panels on every breaker's card, in this order (see {@link DashboardPanel}). Default none. */
  panels?: readonly DashboardPanel[];
  /** Most event-stream clients at once; more get 503. Default 100. */
  maxClients?: number;
  /**
   * Bytes of messages queued for a client that reads too slowly, beyond which it is disconnected
   * (it reconnects). Output respects backpressure: the snapshot being sent and the latest update
   * do not count, so a fleet of any size streams. Default 1 MiB.
   */
  maxBuffered?: number;
}

/** {@link DashboardOptions} with every default applied. */
export interface ResolvedDashboardOptions {
  title: string;
  clock: Clock;
  updateInterval: number;
  heartbeatInterval: number;
  historyWindow: number;
  transitionsKept: number;
  cascadeThreshold: number;
  cascadeMinimumOpen: number;
  /** True when either cascade option was given. */
  cascadeRuleGiven: boolean;
  describe: ((breaker: CircuitBreaker) => string | undefined) | undefined;
  links: DashboardLink[];
  panels: readonly DashboardPanel[];
  maxClients: number;
  maxBuffered: number;
}

const KNOWN = [
  'title',
  'clock',
  'updateInterval',
  'heartbeatInterval',
  'historyWindow',
  'transitionsKept',
  'cascadeThreshold',
  'cascadeMinimumOpen',
  'describe',
  'links',
  'panels',
  'maxClients',
  'maxBuffered',
] as const;

function fail(name: string, expected: string, value: unknown, type = RangeError): never {
  throw new type(`dashboard: option ${name} must be ${expected}, got ${quote(value)}`);
}

function number(
  o: Record<string, unknown>,
  name: string,
  fallback: number,
  ok: (n: number) => boolean,
  expected: string,
): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') fail(name, expected, v, TypeError);
  if (!ok(v)) fail(name, expected, v);
  return v;
}

// A scheme other than http(s) (javascript:, data:) in a link would run or show anything.
const SCHEME = /^[a-z][a-z\d+.-]*:/i;

function links(value: unknown): DashboardLink[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('links', 'an array of { label, href }', value, TypeError);
  return (value as unknown[]).map((link, i) => {
    const l = (typeof link === 'object' && link !== null ? link : {}) as Record<string, unknown>;
    if (typeof l.label !== 'string' || l.label === '') {
      fail(`links[${i}].label`, 'a non-empty string', l.label, TypeError);
    }
    if (typeof l.href !== 'string' || l.href === '') {
      fail(`links[${i}].href`, 'a non-empty string', l.href, TypeError);
    }
    if (SCHEME.test(l.href) && !/^https?:/i.test(l.href)) {
      fail(`links[${i}].href`, 'a path or an http(s) URL', l.href);
    }
    return { label: l.label, href: l.href };
  });
}

/**
 * Checks every option and applies the defaults.
 * @throws TypeError for an unknown option or a value of the wrong type, RangeError for one out
 * of range; both name the option and quote the value
 */
export function resolveDashboardOptions(options: unknown): ResolvedDashboardOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`dashboard: options must be an object, got ${quote(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      const hint = suggest(key, KNOWN);
      throw new TypeError(
        `dashboard: unknown option ${quote(key)}${hint ? ` (did you mean ${hint}?)` : ''}`,
      );
    }
  }
  const title = o.title ?? 'breakwater';
  if (typeof title !== 'string') fail('title', 'a string', title, TypeError);
  const clock = (o.clock ?? systemClock) as Clock;
  if (typeof (clock as Partial<Clock>).now !== 'function') {
    fail('clock', 'an object with now()', o.clock, TypeError);
  }
  const describe = o.describe;
  if (describe !== undefined && typeof describe !== 'function') {
    fail('describe', 'a function', describe, TypeError);
  }
  const positive = (n: number): boolean => Number.isFinite(n) && n >= 1;
  const whole = (n: number): boolean => Number.isInteger(n) && n >= 1;
  return {
    title,
    clock,
    updateInterval: number(o, 'updateInterval', 1000, positive, 'a number of ms >= 1'),
    heartbeatInterval: number(o, 'heartbeatInterval', 15_000, positive, 'a number of ms >= 1'),
    historyWindow: number(
      o,
      'historyWindow',
      300_000,
      (n) => Number.isInteger(n / 1000) && n >= 10_000 && n <= 3_600_000,
      'a whole number of seconds in ms from 10000 to 3600000',
    ),
    transitionsKept: number(o, 'transitionsKept', 50, whole, 'an integer >= 1'),
    cascadeThreshold: number(
      o,
      'cascadeThreshold',
      50,
      (n) => n > 0 && n <= 100,
      'a percentage with 0 < x <= 100',
    ),
    cascadeMinimumOpen: number(o, 'cascadeMinimumOpen', 2, whole, 'an integer >= 1'),
    cascadeRuleGiven: o.cascadeThreshold !== undefined || o.cascadeMinimumOpen !== undefined,
    describe: describe as ResolvedDashboardOptions['describe'],
    links: links(o.links),
    panels: checkPanels(o.panels),
    maxClients: number(o, 'maxClients', 100, whole, 'an integer >= 1'),
    maxBuffered: number(o, 'maxBuffered', 1 << 20, whole, 'an integer number of bytes >= 1'),
  };
}
