import { exponentialOpenBackoff } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import {
  quote,
  resolveOptions,
  suggest,
  type BreakerOptions,
  type ResolvedOptions,
} from '../core/options.js';
import type { Counts } from '../core/types.js';
import { checkDependencies, dependencyClosure, type Dependency } from './graph.js';
import { formatPath, type SettingsPath } from './path.js';
import type { ManagerOptions, ManagerSettings, ServiceOptions } from './types.js';

/** The settings of one service, checked and ready to build breakers from. */
export interface ResolvedService {
  /** The merged options as given (without `dependsOn`): compared to decide on a rebuild. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** What `new CircuitBreaker({ ...options, name })` takes. */
  readonly options: Readonly<BreakerOptions>;
  /** The window after the core's defaults, to tell whether a saved window still fits. */
  readonly window: ResolvedOptions['window'];
  /** As declared. */
  readonly dependsOn: readonly string[];
  /** Everything depended on, deepest first. */
  readonly closure: readonly Dependency[];
}

/** Manager settings, checked, with defaults applied. */
export interface ResolvedSettings {
  /** For services not listed in `services`. */
  readonly defaults: ResolvedService;
  readonly services: ReadonlyMap<string, ResolvedService>;
  /** Ms; `Infinity` turns eviction off. */
  readonly idleTimeout: number;
  /** Ms between sweeps; `Infinity` when eviction is off. */
  readonly sweepInterval: number;
  readonly cascadeThreshold: number | undefined;
  readonly cascadeMinimumOpen: number;
}

const MANAGER_KEYS = [
  'defaults',
  'services',
  'idleTimeout',
  'sweepInterval',
  'cascadeThreshold',
  'cascadeMinimumOpen',
  'clock',
];
const BACKOFF_KEYS = ['initial', 'max', 'multiplier'];
const MAX_TIMER = 2 ** 31 - 1;

function fail(kind: 'type' | 'range', path: SettingsPath, message: string): never {
  const text = `manager option ${formatPath(path)}: ${message}`;
  throw kind === 'type' ? new TypeError(text) : new RangeError(text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies an options layer without its undefined values, checking the manager's own keys. */
function readLayer(
  value: unknown,
  path: SettingsPath,
  isDefaults: boolean,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value))
    fail('type', path, `expected an object of breaker options, got ${quote(value)}`);
  const layer = table<unknown>();
  for (const [key, v] of Object.entries(value)) if (v !== undefined) layer[key] = v;
  if ('name' in layer) {
    fail('type', [...path, 'name'], 'not allowed: every breaker is named after its service');
  }
  if ('initialState' in layer) {
    fail('type', [...path, 'initialState'], 'not allowed: restore state with import()');
  }
  if (isDefaults && 'dependsOn' in layer) {
    fail('type', [...path, 'dependsOn'], 'belongs to a service, not to defaults');
  }
  if ('readyToTrip' in layer && 'consecutiveFailures' in layer) {
    fail('type', path, 'give readyToTrip or consecutiveFailures, not both');
  }
  const n = layer.consecutiveFailures;
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) {
    fail('range', [...path, 'consecutiveFailures'], `expected an integer >= 1, got ${quote(n)}`);
  }
  const timeout = layer.timeout;
  if (isObject(timeout)) {
    for (const key of Object.keys(timeout)) {
      if (!BACKOFF_KEYS.includes(key)) {
        const hint = suggest(key, BACKOFF_KEYS);
        fail(
          'type',
          [...path, 'timeout', key],
          `unknown key${hint ? ` (did you mean ${hint}?)` : ''}`,
        );
      }
    }
  }
  const deps = layer.dependsOn;
  if (deps !== undefined) {
    if (!Array.isArray(deps)) {
      fail(
        'type',
        [...path, 'dependsOn'],
        `expected an array of service names, got ${quote(deps)}`,
      );
    }
    deps.forEach((d: unknown, i) => {
      if (typeof d !== 'string' || d === '') {
        fail('type', [...path, 'dependsOn', i], `expected a service name, got ${quote(d)}`);
      }
    });
  }
  return layer;
}

/** A service's layer over the defaults; the trip rule (readyToTrip / consecutiveFailures) is one slot. */
function merge(
  defaults: Readonly<Record<string, unknown>>,
  own: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const spec = Object.assign(table<unknown>(), defaults);
  if ('readyToTrip' in own || 'consecutiveFailures' in own) {
    delete spec.readyToTrip;
    delete spec.consecutiveFailures;
  }
  Object.assign(spec, own);
  delete spec.dependsOn;
  return spec;
}

/** Turns merged manager options into core options, and lets the core check them. */
function build(
  spec: Readonly<Record<string, unknown>>,
  path: SettingsPath,
  clock: Clock,
  dependsOn: readonly string[],
  closure: readonly Dependency[],
): ResolvedService {
  const options: Record<string, unknown> = { ...spec };
  const n = options.consecutiveFailures;
  if (typeof n === 'number') {
    delete options.consecutiveFailures;
    options.readyToTrip = (c: Counts) => c.consecutiveFailures >= n;
  }
  if (isObject(options.timeout)) {
    try {
      options.timeout = exponentialOpenBackoff(options.timeout);
    } catch (error) {
      fail('range', [...path, 'timeout'], (error as Error).message);
    }
  }
  options.clock ??= clock;
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(options);
  } catch (error) {
    fail(error instanceof RangeError ? 'range' : 'type', path, (error as Error).message);
  }
  const { window } = resolved;
  return { spec, options, window, dependsOn, closure };
}

function readMs(value: unknown, key: string, fallback: number, allowInfinity: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || (!allowInfinity && !(value <= MAX_TIMER))) {
    const limit = allowInfinity ? '' : ` and <= ${MAX_TIMER}`;
    fail('range', [key], `expected a number of ms > 0${limit}, got ${quote(value)}`);
  }
  return value;
}

/**
 * Checks manager settings as a whole and resolves them; nothing is applied when one is wrong.
 * @throws TypeError / RangeError naming the first bad setting by its path and quoting the value
 */
export function resolveSettings(options: ManagerOptions, clock: Clock): ResolvedSettings {
  if (!isObject(options)) fail('type', [], `expected an object, got ${quote(options)}`);
  for (const key of Object.keys(options)) {
    if (!MANAGER_KEYS.includes(key)) {
      const hint = suggest(key, MANAGER_KEYS);
      fail('type', [key], `unknown option${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  const defaultsLayer = readLayer(options.defaults, ['defaults'], true);
  const given: unknown = options.services ?? {};
  if (!isObject(given)) fail('type', ['services'], `expected an object, got ${quote(given)}`);
  const layers = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(given)) {
    if (name === '') fail('type', ['services', name], 'a service name must not be empty');
    layers.set(name, readLayer(value ?? {}, ['services', name], false));
  }
  const graph = new Map<string, readonly string[]>();
  for (const [name, layer] of layers)
    graph.set(name, (layer.dependsOn as string[] | undefined) ?? []);
  const [issue] = checkDependencies(graph);
  if (issue) fail('type', issue.path, issue.message);

  const idleTimeout = readMs(options.idleTimeout, 'idleTimeout', Infinity, true);
  const fallbackSweep = Number.isFinite(idleTimeout)
    ? Math.min(MAX_TIMER, Math.max(1, idleTimeout / 4))
    : Infinity;
  const sweepInterval = Number.isFinite(idleTimeout)
    ? readMs(options.sweepInterval, 'sweepInterval', fallbackSweep, false)
    : (readMs(options.sweepInterval, 'sweepInterval', 1, false), Infinity);
  const defaults = build(merge({}, defaultsLayer), ['defaults'], clock, [], []);
  const services = new Map<string, ResolvedService>();
  for (const [name, layer] of layers) {
    const deps = graph.get(name) ?? [];
    const spec = merge(defaultsLayer, layer);
    services.set(
      name,
      build(spec, ['services', name], clock, deps, dependencyClosure(name, graph)),
    );
  }

  const threshold = options.cascadeThreshold;
  if (
    threshold !== undefined &&
    !(typeof threshold === 'number' && threshold > 0 && threshold <= 100)
  ) {
    fail(
      'range',
      ['cascadeThreshold'],
      `expected a percentage in (0, 100], got ${quote(threshold)}`,
    );
  }
  const minimumOpen = options.cascadeMinimumOpen ?? 2;
  if (typeof minimumOpen !== 'number' || !Number.isInteger(minimumOpen) || minimumOpen < 1) {
    fail('range', ['cascadeMinimumOpen'], `expected an integer >= 1, got ${quote(minimumOpen)}`);
  }
  return {
    defaults,
    services,
    idleTimeout,
    sweepInterval,
    cascadeThreshold: threshold,
    cascadeMinimumOpen: minimumOpen,
  };
}

/** The same window settings (a saved window can be restored into the other). */
export function sameWindow(
  a: ResolvedOptions['window'] | null,
  b: ResolvedOptions['window'] | null,
): boolean {
  if (!a || !b) return !a && !b;
  return (
    a.kind === b.kind &&
    a.size === b.size &&
    (a as { buckets?: number }).buckets === (b as { buckets?: number }).buckets
  );
}

/** `top` over `base`, key by key; the trip rule (readyToTrip / consecutiveFailures) is one slot. */
function overlay<T extends object>(base: T | undefined, top: T | undefined): T {
  const out: Record<string, unknown> = Object.assign(table<unknown>(), base);
  const over = (top ?? {}) as Record<string, unknown>;
  if (over.readyToTrip !== undefined || over.consecutiveFailures !== undefined) {
    delete out.readyToTrip;
    delete out.consecutiveFailures;
  }
  for (const [key, value] of Object.entries(over)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * Settings from a file over settings from code: code supplies what a file cannot say
 * (functions such as `isExcluded`, a clock) and the file's values win where both set a key.
 */
export function overlaySettings(base: ManagerOptions, file: ManagerSettings): ManagerOptions {
  const services = Object.assign(table<ServiceOptions>(), base.services);
  for (const [name, own] of Object.entries(file.services ?? {})) {
    const fromCode = base.services !== undefined && Object.hasOwn(base.services, name);
    services[name] = overlay(fromCode ? base.services?.[name] : undefined, own);
  }
  const out: ManagerOptions = overlay(base, { ...file, defaults: undefined, services: undefined });
  out.defaults = overlay(base.defaults, file.defaults);
  out.services = services;
  return out;
}

/**
 * An empty null-prototype object for a table keyed by names from outside (services, options):
 * `__proto__` or `constructor` is then an own key like any other, never the prototype.
 */
export function table<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
