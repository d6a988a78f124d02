import type { BreakerSnapshot, ResolvedOptions } from '../core/options.js';
import { quote } from '../core/options.js';
import { ManagedBreaker } from './managed-breaker.js';
import { sameWindow, table, type ResolvedService } from './settings.js';
import type { ManagerState } from './types.js';

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

/** Every breaker's state as plain JSON (what `manager.export()` returns), at clock time `at`. */
export function exportState(entries: Iterable<ManagedBreaker>, at: number): ManagerState {
  const breakers: ManagerState['breakers'] = table();
  for (const entry of entries) {
    breakers[entry.name] = { window: entry.settings.window ?? null, state: entry.toJSON() };
  }
  return { version: 1, at, breakers };
}

/**
 * A breaker per saved service, with the service's current settings (`confFor`) and the saved
 * state (its window only if the window's shape is unchanged). All are built before any is used.
 * @throws TypeError naming the bad entry (`import(): breakers["db"]: ...`)
 */
export function buildFromState(
  saved: ReadonlyMap<string, SavedBreaker>,
  confFor: (name: string) => ResolvedService,
  at: number,
): ManagedBreaker[] {
  const built: ManagedBreaker[] = [];
  for (const [name, item] of saved) {
    const conf = confFor(name);
    const snapshot = { ...item.state };
    if (!sameWindow(item.window, conf.window ?? null)) delete snapshot.window;
    try {
      built.push(new ManagedBreaker({ ...conf.options, name, initialState: snapshot }, conf, at));
    } catch (error) {
      throw new TypeError(
        `import(): breakers[${JSON.stringify(name)}]: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return built;
}
