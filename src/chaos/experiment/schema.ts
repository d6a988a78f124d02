import { suggest } from '../../core/options.js';
import type { DataCheck } from '../../manager/config/loader.js';
import { parseDuration, parseInteger, parseNumber, show } from '../../manager/config/values.js';
import type { SettingsPath } from '../../manager/path.js';
import { parseHostPort, type HostPort } from '../address.js';
import { isRecord, parseName, read, unknownKeys, type Issue } from '../issues.js';
import { checkToxic, type Toxic } from '../toxics.js';

/** A proxy the experiment starts: `listen` forwards to `upstream`. */
export interface ExperimentProxy {
  name: string;
  listen: HostPort;
  upstream: HostPort;
}

/** One step of the method, `at` ms after the load starts. */
export type MethodStep =
  | { at: number; proxy: string; action: 'toxic'; toxic: Toxic }
  | { at: number; proxy: string; action: 'clear' }
  | { at: number; proxy: string; action: 'enabled'; enabled: boolean };

/** The breaker-aware checks; each is optional. Durations in ms. */
export interface Assertions {
  opensWithin?: number;
  closesWithin?: number;
  p99WhileOpen?: number;
  falseOpens?: number;
  /** Most requests that may get a non-2xx or time out while the breaker reads open. */
  maxFailedWhileOpen?: number;
}

/** A checked experiment file. Durations in ms, rates per second. */
export interface Experiment {
  title: string;
  description: string | undefined;
  proxies: ExperimentProxy[];
  load: { url: string; method: 'GET' | 'POST'; rate: number; duration: number; timeout: number };
  observe: { metrics: string; breaker: string; interval: number };
  method: MethodStep[];
  hypothesis: { successRate: number };
  assertions: Assertions;
}

const TOP = [
  'title',
  'description',
  'proxies',
  'load',
  'observe',
  'method',
  'hypothesis',
  'assertions',
];
const ASSERTIONS = [
  'opensWithin',
  'closesWithin',
  'p99WhileOpen',
  'falseOpens',
  'maxFailedWhileOpen',
];
/** The scrape interval's upper bound: the state gauge is read at least every 100 ms. */
export const MAX_SCRAPE_INTERVAL = 100;

function parseUrl(v: unknown): string {
  if (typeof v === 'string' && /^https?:\/\//.test(v) && URL.canParse(v)) return v;
  throw new TypeError(`expected an http:// or https:// URL, got ${show(v)}`);
}

function parseShare(v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new RangeError(`expected a number from 0 to 1, got ${show(v)}`);
  }
  return v;
}

/** An object at `path` (its unknown keys reported), or undefined with an issue. */
function section(
  raw: Record<string, unknown>,
  key: string,
  known: readonly string[],
  issues: Issue[],
  required = true,
): Record<string, unknown> | undefined {
  const value = raw[key];
  if (value === undefined && !required) return undefined;
  if (!isRecord(value)) {
    issues.push({
      path: [key],
      message: `expected an object with ${known.join(', ')}, got ${show(value)}`,
    });
    return undefined;
  }
  unknownKeys(value, known, [key], issues);
  return value;
}

function checkProxies(raw: unknown, issues: Issue[]): ExperimentProxy[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.push({ path: ['proxies'], message: `expected a list of proxies, got ${show(raw)}` });
    return [];
  }
  const out: ExperimentProxy[] = [];
  raw.forEach((item: unknown, i) => {
    const path: SettingsPath = ['proxies', i];
    if (!isRecord(item)) {
      issues.push({ path, message: `expected { name, listen, upstream }, got ${show(item)}` });
      return;
    }
    unknownKeys(item, ['name', 'listen', 'upstream'], path, issues);
    const name = read(item.name, [...path, 'name'], issues, parseName);
    const listen = read(item.listen, [...path, 'listen'], issues, (v) =>
      parseHostPort(v, { allowZero: true }),
    );
    const upstream = read(item.upstream, [...path, 'upstream'], issues, (v) => parseHostPort(v));
    if (name !== undefined && out.some((p) => p.name === name)) {
      issues.push({ path: [...path, 'name'], message: `a second proxy named ${show(name)}` });
    } else if (name !== undefined && listen && upstream) out.push({ name, listen, upstream });
  });
  return out;
}

function checkStep(item: unknown, i: number, names: readonly string[], issues: Issue[]) {
  const path: SettingsPath = ['method', i];
  if (!isRecord(item)) {
    issues.push({
      path,
      message: `expected { at, proxy, toxic | clear | enabled }, got ${show(item)}`,
    });
    return undefined;
  }
  unknownKeys(item, ['at', 'proxy', 'toxic', 'clear', 'enabled'], path, issues);
  const at = read(item.at, [...path, 'at'], issues, (v) => parseDuration(v));
  const proxy = read(item.proxy, [...path, 'proxy'], issues, parseName);
  if (proxy !== undefined && !names.includes(proxy)) {
    const hint = suggest(proxy, names);
    issues.push({
      path: [...path, 'proxy'],
      message: `no proxy named ${show(proxy)} in proxies${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
    });
  }
  const actions = ['toxic', 'clear', 'enabled'].filter((k) => item[k] !== undefined);
  if (actions.length !== 1) {
    issues.push({
      path,
      message: `expected exactly one of toxic, clear: true, enabled: true|false, got ${actions.length === 0 ? 'none' : actions.join(' and ')}`,
    });
    return undefined;
  }
  if (item.clear !== undefined && item.clear !== true) {
    issues.push({ path: [...path, 'clear'], message: `expected true, got ${show(item.clear)}` });
  }
  if (item.enabled !== undefined && typeof item.enabled !== 'boolean') {
    issues.push({
      path: [...path, 'enabled'],
      message: `expected true or false, got ${show(item.enabled)}`,
    });
  }
  const toxic =
    item.toxic === undefined ? undefined : checkToxic(item.toxic, [...path, 'toxic'], issues);
  if (at === undefined || proxy === undefined) return undefined;
  if (toxic) return { at, proxy, action: 'toxic', toxic } as const;
  if (item.clear === true) return { at, proxy, action: 'clear' } as const;
  if (typeof item.enabled === 'boolean')
    return { at, proxy, action: 'enabled', enabled: item.enabled } as const;
  return undefined;
}

/** Checks a parsed experiment file as a whole: every mistake, by its path. */
export function checkExperiment(raw: unknown): DataCheck<Experiment> {
  const issues: Issue[] = [];
  if (!isRecord(raw)) {
    return {
      ok: false,
      issues: [{ path: [], message: `expected an experiment object, got ${show(raw)}` }],
    };
  }
  unknownKeys(raw, TOP, [], issues);
  const title = read(raw.title, ['title'], issues, parseName);
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    issues.push({
      path: ['description'],
      message: `expected a string, got ${show(raw.description)}`,
    });
  }
  const proxies = checkProxies(raw.proxies, issues);
  const loadRaw = section(raw, 'load', ['url', 'method', 'rate', 'duration', 'timeout'], issues);
  const field = <T>(
    obj: Record<string, unknown> | undefined,
    at: string,
    key: string,
    parse: (v: unknown) => T,
  ) => (obj ? read(obj[key], [at, key], issues, parse) : undefined);
  const url = field(loadRaw, 'load', 'url', parseUrl);
  const rate = field(loadRaw, 'load', 'rate', (v) => {
    const n = parseNumber(v, 0);
    if (!(n > 0 && n <= 5000))
      throw new RangeError(`expected requests per second in (0, 5000], got ${show(v)}`);
    return n;
  });
  const duration = field(loadRaw, 'load', 'duration', (v) => parseDuration(v, { positive: true }));
  const timeout = field(loadRaw, 'load', 'timeout', (v) => parseDuration(v, { positive: true }));
  let verb: 'GET' | 'POST' = 'GET';
  if (loadRaw?.method !== undefined) {
    if (loadRaw.method === 'GET' || loadRaw.method === 'POST') verb = loadRaw.method;
    else
      issues.push({
        path: ['load', 'method'],
        message: `expected "GET" or "POST", got ${show(loadRaw.method)}`,
      });
  }
  const observeRaw = section(raw, 'observe', ['metrics', 'breaker', 'interval'], issues);
  const metrics = field(observeRaw, 'observe', 'metrics', parseUrl);
  const breaker = field(observeRaw, 'observe', 'breaker', parseName);
  const interval =
    observeRaw?.interval === undefined
      ? MAX_SCRAPE_INTERVAL
      : field(observeRaw, 'observe', 'interval', (v) =>
          parseDuration(v, { positive: true, max: MAX_SCRAPE_INTERVAL }),
        );
  // Names of proxies with other mistakes count too: one bad upstream is one error, not one a step.
  const names = Array.isArray(raw.proxies)
    ? raw.proxies.flatMap((p: unknown) =>
        isRecord(p) && typeof p.name === 'string' ? [p.name] : [],
      )
    : [];
  const method: MethodStep[] = [];
  if (!Array.isArray(raw.method)) {
    issues.push({ path: ['method'], message: `expected a list of steps, got ${show(raw.method)}` });
  } else {
    raw.method.forEach((item: unknown, i) => {
      const step = checkStep(item, i, names, issues);
      if (!step) return;
      if (duration !== undefined && step.at >= duration) {
        issues.push({
          path: ['method', i, 'at'],
          message: `expected a time before load.duration (${duration} ms), got ${show((item as Record<string, unknown>).at)}`,
        });
      }
      method.push(step);
    });
  }
  const hypothesisRaw = section(raw, 'hypothesis', ['successRate'], issues);
  const successRate = field(hypothesisRaw, 'hypothesis', 'successRate', parseShare);
  const assertionsRaw = section(raw, 'assertions', ASSERTIONS, issues, false) ?? {};
  const assertions: Assertions = {};
  for (const key of ['opensWithin', 'closesWithin', 'p99WhileOpen'] as const) {
    if (assertionsRaw[key] === undefined) continue;
    const v = read(assertionsRaw[key], ['assertions', key], issues, (x) => parseDuration(x));
    if (v !== undefined) assertions[key] = v;
  }
  for (const key of ['falseOpens', 'maxFailedWhileOpen'] as const) {
    if (assertionsRaw[key] === undefined) continue;
    const v = read(assertionsRaw[key], ['assertions', key], issues, (x) => parseInteger(x, 0));
    if (v !== undefined) assertions[key] = v;
  }
  if (issues.length > 0) return { ok: false, issues };
  method.sort((a, b) => a.at - b.at);
  return {
    ok: true,
    value: {
      title: title ?? '',
      description: typeof raw.description === 'string' ? raw.description : undefined,
      proxies,
      load: {
        url: url ?? '',
        method: verb,
        rate: rate ?? 1,
        duration: duration ?? 1,
        timeout: timeout ?? 1,
      },
      observe: {
        metrics: metrics ?? '',
        breaker: breaker ?? '',
        interval: interval ?? MAX_SCRAPE_INTERVAL,
      },
      method,
      hypothesis: { successRate: successRate ?? 1 },
      assertions,
    },
  };
}
