import { suggest } from '../core/options.js';
import { formatPath, type SettingsPath } from '../manager/path.js';
import { show } from '../manager/config/values.js';

/** One mistake in a request body or an experiment file, before its path is formatted. */
export interface Issue {
  path: SettingsPath;
  message: string;
}

/** True for a plain object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reports every key of `value` that is not in `known`, with a "did you mean" hint. */
export function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: SettingsPath,
  issues: Issue[],
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = suggest(key, known);
    issues.push({
      path: [...path, key],
      message: `unknown key${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
    });
  }
}

/**
 * Reads `value` with `parse` (one of the manager's `parse*` value readers); its error becomes an
 * issue at `path`, and the result is undefined.
 */
export function read<T>(
  value: unknown,
  path: SettingsPath,
  issues: Issue[],
  parse: (v: unknown) => T,
): T | undefined {
  try {
    return parse(value);
  } catch (error) {
    issues.push({ path, message: (error as Error).message });
    return undefined;
  }
}

/** A string that is not empty, or an issue quoting what was given. */
export function parseName(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`expected a non-empty string, got ${show(value)}`);
  }
  return value;
}

/** The issues as `path: message` lines. */
export function formatIssues(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}
