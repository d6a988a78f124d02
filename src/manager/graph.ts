import { editDistance, suggest } from '../core/options.js';
import type { SettingsPath } from './path.js';

/** A mistake in the dependency lists. */
export interface GraphIssue {
  path: SettingsPath;
  message: string;
}

/** One service a service depends on, directly or through others. */
export interface Dependency {
  name: string;
  /** From the depending service to `name`, both included. */
  path: readonly string[];
}

/**
 * Checks the `dependsOn` lists of every service: each entry must name a listed service, once,
 * and there must be no cycle. Entries that are not strings are skipped (the schema reports them).
 *
 * @param graph service -> its `dependsOn` list, in the order the services are listed
 * @returns every mistake, with its path (`services.a.dependsOn[1]`)
 */
export function checkDependencies(graph: ReadonlyMap<string, readonly unknown[]>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const names = [...graph.keys()];
  const edges = new Map<string, { to: string; index: number }[]>();
  for (const [name, deps] of graph) {
    const seen = new Set<string>();
    const list: { to: string; index: number }[] = [];
    deps.forEach((to, index) => {
      if (typeof to !== 'string' || to === '') return;
      const path = ['services', name, 'dependsOn', index];
      if (!graph.has(to)) {
        const hint = suggestName(to, names);
        issues.push({
          path,
          message: `unknown service ${JSON.stringify(to)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
        });
      } else if (seen.has(to)) {
        issues.push({ path, message: `${JSON.stringify(to)} is listed twice` });
      } else {
        seen.add(to);
        list.push({ to, index });
      }
    });
    edges.set(name, list);
  }
  issues.push(...findCycles(names, edges));
  return issues;
}

/**
 * A listed name close to `name`. Stricter than option-key hints: service names are short and
 * many, and "did you mean" must not pair unrelated two-letter names.
 */
function suggestName(name: string, names: readonly string[]): string | undefined {
  const hint = suggest(name, names);
  if (hint === undefined) return undefined;
  const distance = editDistance(name.toLowerCase(), hint.toLowerCase());
  return distance <= Math.max(1, Math.floor(name.length / 3)) ? hint : undefined;
}

/** Depth-first search; every edge that closes a cycle is reported once, where it is written. */
function findCycles(
  names: readonly string[],
  edges: ReadonlyMap<string, readonly { to: string; index: number }[]>,
): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const done = new Set<string>();
  const onStack: string[] = [];
  const visit = (name: string): void => {
    onStack.push(name);
    for (const { to, index } of edges.get(name) ?? []) {
      const at = onStack.indexOf(to);
      if (at >= 0) {
        const cycle = [...onStack.slice(at), to].join(' -> ');
        issues.push({
          path: ['services', name, 'dependsOn', index],
          message: `dependency cycle: ${cycle}`,
        });
      } else if (!done.has(to)) visit(to);
    }
    onStack.pop();
    done.add(name);
  };
  for (const name of names) if (!done.has(name)) visit(name);
  return issues;
}

/**
 * Everything `service` depends on, directly or not, deepest first (post-order), each once with
 * the first path found to it. Deepest first means that, of several open dependencies on one
 * path, the root cause is met first. The graph must be acyclic ({@link checkDependencies}).
 */
export function dependencyClosure(
  service: string,
  graph: ReadonlyMap<string, readonly string[]>,
): Dependency[] {
  const out: Dependency[] = [];
  const seen = new Set<string>([service]);
  const walk = (name: string, path: readonly string[]): void => {
    for (const to of graph.get(name) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      const next = [...path, to];
      walk(to, next);
      out.push({ name: to, path: next });
    }
  };
  walk(service, [service]);
  return out;
}
