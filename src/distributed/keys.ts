// Key names: every key of one breaker starts with the prefix and carries the same `{...}` hash
// tag, so a Lua script can touch all of them in Redis Cluster (one slot per breaker).
import { quote } from '../core/options.js';

/** The keys (and pub/sub channel) of one breaker. */
export interface BreakerKeys {
  /** HASH `<bucket>:<instance>:<s|f|w>` -> count: the per-bucket outcomes of every instance. */
  readonly counts: string;
  /** HASH `gen state at wait by`: the fleet's decision. */
  readonly decision: string;
  /** STRING holder instance, with PX: the half-open probe lease. */
  readonly lease: string;
  /** Channel the decisions are published on. */
  readonly channel: string;
}

// `{` and `}` would end or start the hash tag early; `%` is escaped so the encoding is 1:1.
const escapeTag = (name: string): string =>
  name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Checks a key prefix: a non-empty string without braces (a brace would become the tag). */
export function checkPrefix(prefix: unknown, where: string): string {
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) {
    throw new TypeError(
      `${where}: prefix must be a non-empty string without "{" or "}", got ${quote(prefix)}`,
    );
  }
  return prefix;
}

/** The keys of breaker `name` under `prefix`. */
export function breakerKeys(prefix: string, name: string): BreakerKeys {
  const base = `${prefix}:{${escapeTag(name)}}`;
  return {
    counts: `${base}:c`,
    decision: `${base}:d`,
    lease: `${base}:l`,
    channel: `${base}:events`,
  };
}
