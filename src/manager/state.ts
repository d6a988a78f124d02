import type { BreakerSnapshot, ResolvedOptions } from '../core/options.js';
import { quote } from '../core/options.js';

/** One breaker's entry in a {@link ManagerState}, checked for shape. */
export interface SavedBreaker {
  window: ResolvedOptions['window'] | null;
  state: BreakerSnapshot;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(path: string, expected: string, value: unknown): never {
  throw new TypeError(`import(): ${path}: expected ${expected}, got ${quote(value)}`);
}

/**
 * Checks the outer shape of an `export()` result (the snapshots themselves are checked by the
 * core when breakers are built from them).
 * @throws TypeError naming the bad field and quoting its value
 */
export function readManagerState(value: unknown): Map<string, SavedBreaker> {
  if (!isObject(value)) bad('(root)', 'an object from export()', value);
  if (value.version !== 1) bad('version', '1', value.version);
  const breakers = value.breakers;
  if (!isObject(breakers)) bad('breakers', 'an object', breakers);
  const out = new Map<string, SavedBreaker>();
  for (const [name, saved] of Object.entries(breakers)) {
    const path = `breakers[${JSON.stringify(name)}]`;
    if (name === '') bad(path, 'a non-empty service name', name);
    if (!isObject(saved)) bad(path, 'an object with window and state', saved);
    if (!isObject(saved.state)) bad(`${path}.state`, 'an object from toJSON()', saved.state);
    const window = saved.window ?? null;
    if (window !== null && !isObject(window)) bad(`${path}.window`, 'an object or null', window);
    out.set(name, {
      window: window as SavedBreaker['window'],
      state: saved.state as unknown as BreakerSnapshot,
    });
  }
  return out;
}
