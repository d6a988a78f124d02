import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { DependencyOpenError } from './errors.js';
import type { Dependency } from './graph.js';
import { CONF, type ManagedBreaker } from './managed-breaker.js';

/** The first open dependency of `entry` (direct or not), deepest first, with its breaker. */
export function openDependency(
  entries: ReadonlyMap<string, CircuitBreaker>,
  entry: ManagedBreaker,
): { dependency: Dependency; breaker: CircuitBreaker } | undefined {
  for (const dependency of entry[CONF].closure) {
    const breaker = entries.get(dependency.name);
    if (breaker !== undefined && breaker.state === 'open') return { dependency, breaker };
  }
  return undefined;
}

/** The rejection for a call to `entry` while one of its dependencies is open, if one is. */
export function blocking(
  entries: ReadonlyMap<string, CircuitBreaker>,
  entry: ManagedBreaker,
): DependencyOpenError | undefined {
  const found = openDependency(entries, entry);
  if (found === undefined) return undefined;
  return DependencyOpenError.fast(entry.name, found.dependency.path, found.breaker.retryAfter);
}
