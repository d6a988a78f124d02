import { parseNumber, show } from '../manager/config/values.js';
import type { SettingsPath } from '../manager/path.js';
import { isRecord, read, unknownKeys, type Issue } from './issues.js';

/**
 * The toxics and their attributes with Toxiproxy's defaults (all 0). Units: `latency`, `jitter`,
 * `delay` (slow_close), `timeout` in ms; `rate` in KB/s of 1000 bytes; `bytes`, `average_size`,
 * `size_variation` in bytes; slicer's `delay` in µs.
 */
export const TOXIC_ATTRIBUTES = {
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
} as const satisfies Record<string, Record<string, number>>;

/** A toxic's `type`. */
export type ToxicType = keyof typeof TOXIC_ATTRIBUTES;
/** `upstream`: client to server; `downstream`: server to client. */
export type ToxicStream = 'upstream' | 'downstream';

/** A toxic as the control API shows it. */
export interface Toxic {
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  /** Probability, 0..1, that the toxic applies to a connection (drawn once per connection). */
  toxicity: number;
  attributes: Record<string, number>;
}

const TOXIC_KEYS = ['name', 'type', 'stream', 'toxicity', 'attributes'];
const TYPES = Object.keys(TOXIC_ATTRIBUTES) as ToxicType[];
const isType = (v: unknown): v is ToxicType =>
  typeof v === 'string' && Object.hasOwn(TOXIC_ATTRIBUTES, v);

function parseToxicity(v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new RangeError(`expected a number from 0 to 1, got ${show(v)}`);
  }
  return v;
}

function readAttributes(
  type: ToxicType,
  raw: unknown,
  base: Record<string, number>,
  path: SettingsPath,
  issues: Issue[],
): Record<string, number> {
  const out = { ...base };
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    issues.push({ path, message: `expected an object, got ${show(raw)}` });
    return out;
  }
  const known = Object.keys(TOXIC_ATTRIBUTES[type]);
  unknownKeys(raw, known, path, issues);
  for (const key of known) {
    if (raw[key] === undefined) continue;
    const value = read(raw[key], [...path, key], issues, (v) => parseNumber(v, 0));
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Checks a toxic's body as `POST /proxies/{p}/toxics` takes it; with `existing`, as
 * `POST /proxies/{p}/toxics/{t}` does: attributes are merged into the toxic's, `toxicity` may
 * change, `name`, `type` and `stream` may be repeated but not changed (as Toxiproxy).
 *
 * @param path where the body sits, for the issues (`[]` for a request body)
 * @returns the toxic, or undefined with the issues pushed
 */
export function checkToxic(
  body: unknown,
  path: SettingsPath,
  issues: Issue[],
  existing?: Toxic,
): Toxic | undefined {
  const before = issues.length;
  if (!isRecord(body)) {
    issues.push({ path, message: `expected a toxic object, got ${show(body)}` });
    return undefined;
  }
  unknownKeys(body, TOXIC_KEYS, path, issues);
  let type: ToxicType | undefined = existing?.type;
  if (body.type !== undefined || existing === undefined) {
    if (!isType(body.type)) {
      issues.push({
        path: [...path, 'type'],
        message: `expected one of ${TYPES.join(', ')}, got ${show(body.type)}`,
      });
      type = undefined;
    } else if (existing !== undefined && body.type !== existing.type) {
      issues.push({
        path: [...path, 'type'],
        message: `cannot change a toxic's type (${existing.type}), got ${show(body.type)}`,
      });
    } else type = body.type;
  }
  let stream: ToxicStream = existing?.stream ?? 'downstream';
  if (body.stream !== undefined) {
    if (body.stream !== 'upstream' && body.stream !== 'downstream') {
      issues.push({
        path: [...path, 'stream'],
        message: `expected "upstream" or "downstream", got ${show(body.stream)}`,
      });
    } else if (existing !== undefined && body.stream !== existing.stream) {
      issues.push({
        path: [...path, 'stream'],
        message: `cannot change a toxic's stream (${existing.stream}), got ${show(body.stream)}`,
      });
    } else stream = body.stream;
  }
  let name = existing?.name;
  if (body.name !== undefined && body.name !== '') {
    if (typeof body.name !== 'string') {
      issues.push({
        path: [...path, 'name'],
        message: `expected a string, got ${show(body.name)}`,
      });
    } else if (existing !== undefined && body.name !== existing.name) {
      issues.push({
        path: [...path, 'name'],
        message: `cannot rename toxic ${JSON.stringify(existing.name)}, got ${show(body.name)}`,
      });
    } else name = body.name;
  }
  const toxicity =
    body.toxicity === undefined
      ? (existing?.toxicity ?? 1)
      : read(body.toxicity, [...path, 'toxicity'], issues, parseToxicity);
  if (type === undefined || toxicity === undefined) return undefined;
  const attributes = readAttributes(
    type,
    body.attributes,
    existing?.attributes ?? TOXIC_ATTRIBUTES[type],
    [...path, 'attributes'],
    issues,
  );
  if (issues.length > before) return undefined;
  return { name: name ?? `${type}_${stream}`, type, stream, toxicity, attributes };
}
