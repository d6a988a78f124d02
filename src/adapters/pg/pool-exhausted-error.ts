import { BreakerError, nameErrorClass } from '../../core/errors.js';

/** The `code` of {@link PoolExhaustedError}. */
export const POOL_EXHAUSTED = 'ERR_POOL_EXHAUSTED';

/** What the pool looked like when a caller gave up waiting for a client. */
export interface PoolUsage {
  /** Clients the pool holds, checked out or idle (`pool.totalCount`). */
  totalCount: number;
  /** Idle clients (`pool.idleCount`). */
  idleCount: number;
  /** Callers waiting for a client, this one included (`pool.waitingCount`). */
  waitingCount: number;
  /** The pool's `max` option (10 when not set). */
  max: number;
}

/**
 * No client came from the pool within `acquireTimeout` ms. The guarded pool records it as a
 * failure of the breaker, so it shows in `onCall` events (and the `breakwater:breaker:call`
 * channel) as `{ outcome: 'failure', error }` with `error.code === 'ERR_POOL_EXHAUSTED'`, which
 * tells pool exhaustion apart from a database that is down.
 */
export class PoolExhaustedError extends BreakerError {
  /** The limit that was exceeded, in ms. */
  readonly acquireTimeout: number;
  /** The pool's counts at the moment the caller gave up. */
  readonly pool: PoolUsage;

  constructor(breakerName: string, acquireTimeout: number, pool: PoolUsage) {
    super(
      `no client from the pool within ${acquireTimeout} ms ` +
        `(${pool.totalCount - pool.idleCount}/${pool.max} checked out, ${pool.waitingCount} waiting)`,
      POOL_EXHAUSTED,
      breakerName,
    );
    this.acquireTimeout = acquireTimeout;
    this.pool = pool;
  }
}
nameErrorClass(PoolExhaustedError, 'PoolExhaustedError');
