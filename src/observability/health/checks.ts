import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import type { Clock } from '../../core/clock.js';
import { quote } from '../../core/options.js';
import type { CircuitState, Counts } from '../../core/types.js';

/** Status of a check and of a whole report (IETF draft "Health Check Response Format"). */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/**
 * A check of your own: returns (or resolves to) `true` / `undefined` when healthy, `false` or a
 * reason string when not. A throw counts as failed, with the error's message as the reason.
 */
export type HealthCheck = () =>
  boolean | string | undefined | Promise<boolean | string | undefined>;

/** One line of a report. */
export interface CheckResult {
  /** The breaker's name, or the key of a custom check. */
  name: string;
  /** `'circuit-breaker'` for breakers, `'check'` for custom checks. */
  componentType: 'circuit-breaker' | 'check';
  status: HealthStatus;
  /** Why it is not `pass`: `'circuit open, retry in 12s'`, a custom check's reason. */
  output?: string;
  /** Breakers only: the state, whether it may fail readiness, its counts. */
  state?: CircuitState;
  critical?: boolean;
  counts?: Counts;
  /** Breakers only: ms until an open breaker turns half-open (omitted when forced or closed). */
  retryAfter?: number;
}

/** A whole report: `fail` when any check fails, else `warn` when any warns, else `pass`. */
export interface HealthReport {
  status: HealthStatus;
  checks: CheckResult[];
  /** Clock time the report was made, ms. */
  time: number;
}

/** Which breakers may fail readiness: names, or a predicate. */
export type CriticalSelector = readonly string[] | ((breaker: CircuitBreaker) => boolean);

/** Validates `critical` into a predicate. */
export function criticalPredicate(
  critical: unknown,
  where: string,
): (breaker: CircuitBreaker) => boolean {
  if (critical === undefined) return () => false;
  if (typeof critical === 'function') return critical as (breaker: CircuitBreaker) => boolean;
  if (Array.isArray(critical)) {
    const names = new Set<string>();
    (critical as unknown[]).forEach((n, i) => {
      if (typeof n !== 'string') {
        throw new TypeError(
          `${where}: option critical[${i}] must be a breaker name, got ${quote(n)}`,
        );
      }
      names.add(n);
    });
    return (b) => names.has(b.name);
  }
  throw new TypeError(
    `${where}: option critical must be an array of breaker names or a function, got ${quote(critical)}`,
  );
}

/** Validates a record of custom checks. */
export function validateChecks(checks: unknown, where: string): Record<string, HealthCheck> {
  if (checks === undefined) return {};
  if (typeof checks !== 'object' || checks === null || Array.isArray(checks)) {
    throw new TypeError(
      `${where}: option checks must be an object of functions, got ${quote(checks)}`,
    );
  }
  for (const [key, fn] of Object.entries(checks)) {
    if (typeof fn !== 'function') {
      throw new TypeError(`${where}: option checks.${key} must be a function, got ${quote(fn)}`);
    }
  }
  return checks as Record<string, HealthCheck>;
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}

/**
 * Checks one breaker. Closed passes; open or half-open warns; open fails only when the breaker
 * is critical (half-open is a probe under way and never fails readiness).
 */
export function checkBreaker(breaker: CircuitBreaker, critical: boolean): CheckResult {
  const state = breaker.state;
  const result: CheckResult = {
    name: breaker.name,
    componentType: 'circuit-breaker',
    status: 'pass',
    state,
    critical,
    counts: breaker.counts,
  };
  if (state === 'closed') {
    if (breaker.forcedState === 'disabled') result.output = 'circuit disabled';
    return result;
  }
  if (state === 'half-open') {
    result.status = 'warn';
    result.output = 'circuit half-open, probing';
    return result;
  }
  const retryAfter = breaker.retryAfter;
  const open =
    retryAfter === Infinity
      ? 'circuit forced open'
      : `circuit open, retry in ${seconds(retryAfter)}`;
  if (retryAfter !== Infinity) result.retryAfter = retryAfter;
  result.status = critical ? 'fail' : 'warn';
  result.output = critical ? open : `${open} (not critical)`;
  return result;
}

/** Runs one custom check; never throws. */
export async function runCheck(name: string, check: HealthCheck): Promise<CheckResult> {
  try {
    const r = await check();
    if (r === true || r === undefined) return { name, componentType: 'check', status: 'pass' };
    return {
      name,
      componentType: 'check',
      status: 'fail',
      output: typeof r === 'string' ? r : 'check returned false',
    };
  } catch (error) {
    return {
      name,
      componentType: 'check',
      status: 'fail',
      output: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The worst status of `checks`. */
export function overall(checks: readonly CheckResult[]): HealthStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}

/** Builds a report from breakers and custom checks, skipping the names in `exclude`. */
export async function buildReport(options: {
  breakers: Iterable<CircuitBreaker>;
  critical: (breaker: CircuitBreaker) => boolean;
  checks: Record<string, HealthCheck>;
  exclude: ReadonlySet<string>;
  clock: Clock;
}): Promise<HealthReport> {
  const custom = Object.entries(options.checks).filter(([name]) => !options.exclude.has(name));
  const checks = await Promise.all(custom.map(([name, fn]) => runCheck(name, fn)));
  for (const b of options.breakers) {
    if (options.exclude.has(b.name)) continue;
    let critical = false;
    try {
      critical = options.critical(b);
    } catch {
      // A predicate that throws must not take readiness down with it.
    }
    checks.push(checkBreaker(b, critical));
  }
  return { status: overall(checks), checks, time: options.clock.now() };
}
