import * as z from 'zod';
import { suggest } from '../../core/options.js';
import { checkDependencies } from '../graph.js';
import type { SettingsPath } from '../path.js';
import type { ManagerSettings } from '../types.js';
import { parseDuration, parseInteger, parseNumber, parsePercent, show } from './values.js';

/** A mistake found by {@link validateConfig}, before its path is formatted. */
export interface RawIssue {
  path: SettingsPath;
  message: string;
}

const MAX_TIMER = 2 ** 31 - 1;
const DEFAULT_BUCKETS = 10;

/** Keys of a service's options in a file (data only: no functions). */
export const OPTION_KEYS = [
  'maxRequests',
  'interval',
  'timeout',
  'consecutiveFailures',
  'window',
  'failureRateThreshold',
  'slowCallDuration',
  'slowCallRateThreshold',
  'minimumCalls',
  'callTimeout',
  'halfOpenTimeout',
] as const;
const SERVICE_KEYS = [...OPTION_KEYS, 'dependsOn'];
/** Top-level keys of a config file. */
export const TOP_KEYS = [
  'defaults',
  'services',
  'idleTimeout',
  'sweepInterval',
  'cascadeThreshold',
  'cascadeMinimumOpen',
] as const;
const BACKOFF_KEYS = ['initial', 'max', 'multiplier'];

/** A leaf read by one of the `parse*` functions; its error message becomes the issue. */
function field<T>(parse: (value: unknown) => T) {
  return z.unknown().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const duration = field((v) => parseDuration(v));
const positiveDuration = field((v) => parseDuration(v, { positive: true }));
const timerDuration = field((v) => parseDuration(v, { positive: true, max: MAX_TIMER }));
const percent = field(parsePercent);
const count = field((v) => parseInteger(v, 1));

/** `timeout`: a duration, or `{ initial, max, multiplier }` (exponential backoff). */
const timeout = z.unknown().transform((value, ctx) => {
  if (!isObject(value)) {
    try {
      return parseDuration(value, { positive: true });
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  }
  const out: { initial?: number; max?: number; multiplier?: number } = {};
  for (const [key, v] of Object.entries(value)) {
    try {
      if (key === 'initial' || key === 'max') out[key] = parseDuration(v, { positive: true });
      else if (key === 'multiplier') out.multiplier = parseNumber(v, 1);
      else throw new TypeError(unknownKey(key, BACKOFF_KEYS));
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, path: [key], input: v });
    }
  }
  return out;
});

/** A time window's size: a whole number of ms. */
const windowSize = field((v) => {
  const ms = parseDuration(v, { positive: true });
  if (!Number.isInteger(ms)) {
    throw new RangeError(`expected a whole number of milliseconds, got ${show(v)}`);
  }
  return ms;
});

const window = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('count'), size: count }),
  z
    .strictObject({ kind: z.literal('time'), size: windowSize, buckets: count.optional() })
    .superRefine((w, ctx) => {
      const buckets = w.buckets ?? DEFAULT_BUCKETS;
      if (buckets <= w.size && w.size % buckets === 0) return;
      const given = w.buckets !== undefined;
      ctx.addIssue({
        code: 'custom',
        path: given ? ['buckets'] : [],
        message: given
          ? `expected a number of buckets that divides the size (${w.size} ms) into whole milliseconds, got ${buckets}`
          : `the default ${DEFAULT_BUCKETS} buckets do not divide the size (${w.size} ms) into whole milliseconds: set buckets`,
      });
    }),
]);

const dependsOn = z.unknown().transform((value, ctx) => {
  if (!Array.isArray(value)) {
    ctx.issues.push({
      code: 'custom',
      message: `expected a list of service names, got ${show(value)}`,
      input: value,
    });
    return z.NEVER;
  }
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '') {
      ctx.issues.push({
        code: 'custom',
        path: [i],
        message: `expected a service name, got ${show(name)}`,
        input: name,
      });
    }
  });
  return value as string[];
});

/** What `key: null` (or `key:` with nothing, in YAML) says for a value: never "the default". */
export const NULL_VALUE = 'null is not a value: leave the key out to get the default';

/**
 * A value's schema, refusing null with one message for every key. (A whole section left empty,
 * `defaults:` or `db:`, is different: it means "nothing of its own", see `orEmpty`.)
 */
function value<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === null) ctx.addIssue({ code: 'custom', message: NULL_VALUE, input: v });
    })
    .pipe(schema)
    .optional();
}

const optionShape = {
  maxRequests: value(count),
  interval: value(duration),
  timeout: value(timeout),
  consecutiveFailures: value(count),
  window: value(window),
  failureRateThreshold: value(percent),
  slowCallDuration: value(duration),
  slowCallRateThreshold: value(percent),
  minimumCalls: value(count),
  callTimeout: value(timerDuration),
  halfOpenTimeout: value(positiveDuration),
};

// In YAML, `db:` with nothing after it is null: read it as "no options of its own".
const orEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? {} : v), schema);

const serviceSchema = orEmpty(z.strictObject({ ...optionShape, dependsOn: value(dependsOn) }));

/**
 * `services`: a table of service name -> options. Not `z.record`, which drops a `__proto__` key;
 * the table is a null-prototype object, so every name is an own key like any other.
 */
const services = z.unknown().transform((value, ctx) => {
  if (!isObject(value)) {
    ctx.issues.push({ code: 'invalid_type', expected: 'object', input: value });
    return z.NEVER;
  }
  const out = Object.create(null) as Record<string, z.output<typeof serviceSchema>>;
  for (const [name, options] of Object.entries(value)) {
    const parsed = serviceSchema.safeParse(options, { reportInput: true });
    if (parsed.success) out[name] = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        ctx.issues.push({ ...issue, path: [name, ...issue.path] } as z.core.$ZodRawIssue);
      }
    }
  }
  return out;
});

const fileSchema = z.strictObject({
  defaults: orEmpty(z.strictObject(optionShape)).optional(),
  services: orEmpty(services).optional(),
  idleTimeout: value(positiveDuration),
  sweepInterval: value(timerDuration),
  cascadeThreshold: value(percent),
  cascadeMinimumOpen: value(count),
});

function unknownKey(key: string, candidates: readonly string[]): string {
  const hint = suggest(key, candidates);
  return `unknown key${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`;
}

/** The message for an unknown key, with a hint chosen by where it was found. */
function unknownKeyAt(parent: SettingsPath, key: string): string {
  const [first, , third] = parent;
  if (parent.length === 0) {
    if ((SERVICE_KEYS as readonly string[]).includes(key)) {
      return 'unknown key (breaker options go under defaults or services.<name>)';
    }
    return unknownKey(key, TOP_KEYS);
  }
  if (parent[parent.length - 1] === 'window') {
    if (key === 'buckets') return 'unknown key (buckets is for time windows only)';
    return unknownKey(key, ['kind', 'size', 'buckets']);
  }
  if (first === 'defaults' && parent.length === 1) {
    if (key === 'dependsOn') return 'dependsOn belongs to a service, not to defaults';
    return unknownKey(key, OPTION_KEYS);
  }
  if (first === 'services' && parent.length === 2 && third === undefined) {
    if (key === 'name') return "unknown key (a service's name is its key under services)";
    return unknownKey(key, SERVICE_KEYS);
  }
  return unknownKey(key, []);
}

function fromZod(issue: z.core.$ZodIssue): RawIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyAt(path, key) }));
    case 'invalid_union': {
      const kind = isObject(input) ? input.kind : undefined;
      return [{ path, message: `expected "count" or "time", got ${show(kind)}` }];
    }
    case 'invalid_type':
      if (issue.expected === 'object') {
        const what = path.length === 0 ? 'an object with defaults and services' : 'an object';
        return [{ path, message: `expected ${what}, got ${show(input)}` }];
      }
      return [{ path, message: `expected ${issue.expected}, got ${show(input)}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

type Layer = readonly [SettingsPath, Record<string, unknown>];

const present = (layer: Record<string, unknown>, key: string): boolean =>
  layer[key] !== undefined && layer[key] !== null;

/**
 * Rules between settings, checked on the raw file so that they are reported together with the
 * schema's findings: dependencies (known, once, no cycle), and the options that need others,
 * per service after its layer is put over `defaults`.
 */
function checkSemantics(raw: Record<string, unknown>): RawIssue[] {
  const issues: RawIssue[] = [];
  const defaults = isObject(raw.defaults) ? raw.defaults : {};
  const services = isObject(raw.services) ? raw.services : {};
  const graph = new Map<string, readonly unknown[]>();
  for (const [name, value] of Object.entries(services)) {
    if (name === '') {
      issues.push({ path: ['services', name], message: 'a service name must not be empty' });
      continue;
    }
    const deps = isObject(value) ? value.dependsOn : undefined;
    graph.set(name, Array.isArray(deps) ? deps : []);
  }
  issues.push(...checkDependencies(graph));

  const reported = new Set<string>();
  const rule = (layers: readonly Layer[], key: string, needs: string, message: string): void => {
    const owner = [...layers].reverse().find(([, layer]) => present(layer, key));
    if (!owner || layers.some(([, layer]) => present(layer, needs))) return;
    const path = [...owner[0], key];
    const id = path.join('\0');
    if (reported.has(id)) return;
    reported.add(id);
    issues.push({ path, message });
  };
  const base: Layer = [['defaults'], defaults];
  const scopes: Layer[][] = [[base]];
  for (const [name, value] of Object.entries(services)) {
    scopes.push([base, [['services', name], isObject(value) ? value : {}]]);
  }
  const example = 'e.g. window: { kind: count, size: 100 }';
  for (const layers of scopes) {
    rule(layers, 'failureRateThreshold', 'window', `needs a window (${example})`);
    rule(layers, 'slowCallRateThreshold', 'window', `needs a window (${example})`);
    rule(layers, 'slowCallRateThreshold', 'slowCallDuration', 'needs slowCallDuration');
  }
  return issues;
}

/**
 * Checks a parsed config file (YAML or JSON data) as a whole.
 * @returns the settings, or every mistake found (schema and cross-setting rules together)
 */
export function validateConfig(
  raw: unknown,
): { ok: true; settings: ManagerSettings } | { ok: false; issues: RawIssue[] } {
  const parsed = fileSchema.safeParse(raw, { reportInput: true });
  const issues = parsed.success ? [] : parsed.error.issues.flatMap(fromZod);
  if (isObject(raw)) issues.push(...checkSemantics(raw));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, settings: parsed.data };
}
