import { BreakerError, withoutStack, nameErrorClass } from '../core/errors.js';

/** Stable error codes of the manager. */
export const ManagerErrorCodes = {
  dependencyOpen: 'ERR_DEPENDENCY_OPEN',
  config: 'ERR_BREAKWATER_CONFIG',
  closed: 'ERR_MANAGER_CLOSED',
} as const;

/**
 * A call to a service was not made because the breaker of a service it depends on (directly or
 * through others) is open. The service's own breaker was not asked: no admission was taken and
 * nothing was recorded, so a failing dependency does not trip the breakers of its dependents.
 */
export class DependencyOpenError extends BreakerError {
  /** The open dependency (the deepest open one when several on the path are open). */
  readonly dependency: string;
  /** The chain from the called service to `dependency`, both included: `['api', 'ledger', 'db']`. */
  readonly path: readonly string[];
  /** Ms until the dependency's breaker turns half-open; `Infinity` when it is forced open. */
  readonly retryAfter: number;

  /**
   * @param service the service that was called (`breakerName`)
   * @param path from `service` to the open dependency, both included
   * @param retryAfter the dependency's `retryAfter`, in ms
   */
  constructor(service: string, path: readonly string[], retryAfter: number) {
    const dependency = path[path.length - 1] ?? '';
    const via = path.length > 2 ? ` (${path.join(' -> ')})` : '';
    super(
      `dependency ${JSON.stringify(dependency)} of ${JSON.stringify(service)} is open${via}`,
      ManagerErrorCodes.dependencyOpen,
      service,
    );
    this.dependency = dependency;
    this.path = path;
    this.retryAfter = retryAfter;
  }

  /** Builds one without capturing a stack trace: this is a fail-fast path, like an open breaker. */
  static fast(service: string, path: readonly string[], retryAfter: number): DependencyOpenError {
    return withoutStack(() => new DependencyOpenError(service, path, retryAfter));
  }
}
nameErrorClass(DependencyOpenError, 'DependencyOpenError');

/** The manager was closed: it makes no more breakers and runs no more calls. */
export class ManagerClosedError extends BreakerError {
  constructor(service: string) {
    super('the circuit breaker manager is closed', ManagerErrorCodes.closed, service);
  }
}
nameErrorClass(ManagerClosedError, 'ManagerClosedError');
