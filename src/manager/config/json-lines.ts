import type { SettingsPath } from '../path.js';

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Finds the line of each path in JSON text that `JSON.parse` has accepted, in one pass with an
 * explicit stack (no recursion, no second parser): the line where the value at the path starts,
 * or at the longest prefix of the path that exists. Only the paths asked for are recorded. For a
 * key given twice, the last one counts, as in `JSON.parse`.
 *
 * @returns one 1-based line (or undefined for the root's own issues in an empty text) per path
 */
export function jsonLines(text: string, paths: readonly SettingsPath[]): (number | undefined)[] {
  const wanted = new Set<string>();
  for (const path of paths) {
    for (let n = 0; n <= path.length; n++) wanted.add(keyOf(path.slice(0, n)));
  }
  const found = new Map<string, number>();
  // One frame per open collection: its path, and the key (or next index) of the value to come.
  const stack: { path: (string | number)[]; key: string | number; array: boolean }[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const valueStarts = (): void => {
    const top = stack.at(-1);
    const path = top === undefined ? [] : [...top.path, top.key];
    const id = keyOf(path);
    if (wanted.has(id)) found.set(id, i);
  };
  skipSpace();
  valueStarts();
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack.at(-1);
    if (c === 0x7b || c === 0x5b) {
      const path = top === undefined ? [] : [...top.path, top.key];
      stack.push({ path, key: 0, array: c === 0x5b });
      i++;
      skipSpace();
      if (c === 0x5b && text.charCodeAt(i) !== 0x5d) valueStarts();
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x2c) {
      i++;
      skipSpace();
      if (top?.array === true) {
        top.key = (top.key as number) + 1;
        valueStarts();
      }
      continue;
    } else if (c === 0x22 && top !== undefined && !top.array && isKeyPosition(text, i)) {
      top.key = readString();
      skipSpace();
      i++; // the colon
      skipSpace();
      valueStarts();
      continue;
    } else if (c === 0x22) readString();
    else i++;
    skipSpace();
  }
  const lineAt = lineIndex(text);
  return paths.map((path) => {
    for (let n = path.length; n >= 0; n--) {
      const offset = found.get(keyOf(path.slice(0, n)));
      if (offset !== undefined) return lineAt(offset);
    }
    return undefined;
  });
}

/** True when the string at `i` is an object key: the previous token is `{` or `,`. */
function isKeyPosition(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && WHITESPACE.has(text.charCodeAt(j))) j--;
  const before = text.charCodeAt(j);
  return before === 0x7b || before === 0x2c;
}

function keyOf(path: SettingsPath): string {
  return JSON.stringify(path);
}

/** The 1-based line of an offset, by binary search over the line starts (found once). */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
