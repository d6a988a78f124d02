import { readFileSync } from 'node:fs';

/**
 * The package version, read from package.json: two levels up from this file both in `src/cli/`
 * (run through tsx) and in `dist/cli/` (built), so one path serves both.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
