import { parseDuration } from '../manager/config/values.js';

// On the command line every value is text: a bare number there is a number of milliseconds.
const BARE = /^\s*(?:\d+(?:\.\d+)?|\.\d+)\s*$/;

/**
 * Reads a duration flag with breakwater's one duration grammar ({@link parseDuration} of the
 * manager: `250ms`, `30s`, `1m30s`, `30 s`), and a bare number as milliseconds (`1500`).
 *
 * @returns the duration in ms (>= 0, finite)
 * @throws TypeError / RangeError quoting the text when it is not a duration
 */
export function parseDurationFlag(text: string): number {
  return parseDuration(BARE.test(text) ? Number(text) : text);
}
