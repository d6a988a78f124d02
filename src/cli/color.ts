import type { OutputStream } from './io.js';

/**
 * Whether to colour output written to `stream`. `FORCE_COLOR` (any value but `0` or `false`)
 * turns colour on and wins, as it does for Node itself; a non-empty `NO_COLOR`
 * (https://no-color.org) turns it off; otherwise colour is used on a terminal that is not `dumb`.
 */
export function useColor(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
