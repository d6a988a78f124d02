import { quote } from '../core/options.js';
import type { CircuitState, Disposer } from '../core/types.js';
import type { CircuitBreakerManager } from '../manager/manager.js';
import type { CascadeStatus } from '../manager/types.js';
import { isBreaker, toSource, type BreakerSource, type BreakerTarget } from '../manager/source.js';
import type { CascadeView } from './types.js';

/** What `dashboard()` shows: a breaker, an array of them, a source, or a manager. */
export type DashboardTarget = BreakerTarget | CircuitBreakerManager;

/** A cascade signal kept by the target itself (a manager's). */
export interface CascadeSignal {
  read(): CascadeStatus;
  /** Calls `listener` with the new status whenever the signal turns on or off. */
  subscribe(listener: (status: CascadeStatus) => void): Disposer;
}

interface CascadeShape {
  readonly cascade: CascadeStatus;
  onCascade(listener: (event: CascadeStatus) => void): Disposer;
}

function has(value: unknown, ...methods: string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return methods.every((m) => typeof o[m] === 'function');
}

/**
 * Turns what `dashboard()` was given into a source of breakers and, when the target keeps a
 * cascade signal of its own (a manager), that signal.
 * @throws TypeError for anything else, quoting it
 */
export function resolveTarget(target: unknown): {
  source: BreakerSource;
  cascade: CascadeSignal | undefined;
} {
  const cascade =
    has(target, 'onCascade') && 'cascade' in (target as object)
      ? {
          read: () => (target as CascadeShape).cascade,
          subscribe: (listener: (status: CascadeStatus) => void) =>
            (target as CascadeShape).onCascade(listener),
        }
      : undefined;
  if (isBreaker(target) || Array.isArray(target) || has(target, 'breakers')) {
    return { source: toSource(target as BreakerTarget, 'dashboard(target)'), cascade };
  }
  throw new TypeError(
    `dashboard(target): expected a CircuitBreaker, an array of them, a BreakerSource or a CircuitBreakerManager, got ${quote(target)}`,
  );
}

/**
 * The cascade signal computed from the breakers' states, by the manager's rule: on while more
 * than `threshold` percent of the breakers are open and at least `minimumOpen` are.
 */
export function computeCascade(
  breakers: readonly { name: string; state: CircuitState }[],
  threshold: number,
  minimumOpen: number,
): CascadeView {
  const services = breakers
    .filter((b) => b.state === 'open')
    .map((b) => b.name)
    .sort();
  const open = services.length;
  const total = breakers.length;
  return {
    active: open >= minimumOpen && open * 100 > threshold * total,
    open,
    total,
    share: total === 0 ? 0 : open / total,
    services,
    threshold,
    minimumOpen,
    source: 'dashboard',
  };
}

/**
 * The target's own signal as a {@link CascadeView}; `rule` labels it when the caller said what
 * the target's settings are (the manager does not tell).
 */
export function cascadeView(
  status: CascadeStatus,
  rule: { threshold: number; minimumOpen: number } | undefined,
): CascadeView {
  return {
    active: status.active,
    open: status.open,
    total: status.total,
    share: status.share,
    services: [...status.services],
    threshold: rule?.threshold ?? null,
    minimumOpen: rule?.minimumOpen ?? null,
    source: 'manager',
  };
}
