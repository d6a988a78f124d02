import { NEVER_ABORTED } from '../../core/never-aborted.js';
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import { reportListenerError } from '../../core/emitter.js';
import type { BreakerOptions } from '../../core/options.js';
import { quote } from '../../core/options.js';
import { breakerOf } from '../breaker-of.js';
import { Lease } from './lease.js';
import { resolveGuardPoolOptions, type GuardPoolOptions } from './options.js';
import { PoolExhaustedError } from './pool-exhausted-error.js';

/** Options of {@link GuardedPool.transaction}. */
export interface TransactionOptions {
  /** The statement that opens the transaction. Default `'BEGIN'`. */
  begin?: string;
}

// Passed when the breaker gives no signal of its own (no callTimeout): it never aborts.

const asError = (value: unknown): Error =>
  value instanceof Error ? value : new Error(String(value), { cause: value });

/**
 * A pg pool behind a circuit breaker: `query`, `connect` and `transaction` ask the breaker first,
 * so while it is open they reject with `BreakerOpenError` at once, without taking a client from
 * the pool or opening a connection. Connection failures, timeouts, server-side unavailability
 * and pool exhaustion are failures; the caller's own SQL errors are successes and still reach
 * the caller. Made by {@link guardPool}.
 */
export class GuardedPool {
  /** The pool behind the breaker. */
  readonly pool: Pool;
  /** The breaker every call goes through. */
  readonly breaker: CircuitBreaker;
  private readonly acquireTimeout: number | undefined;
  private readonly callerError: (error: unknown) => boolean;
  private readonly onIdleError: ((error: Error) => void) | undefined;
  private disposed = false;

  constructor(pool: Pool, breaker: CircuitBreaker, options: GuardPoolOptions = {}) {
    const o = resolveGuardPoolOptions(options);
    this.pool = pool;
    this.breaker = breaker;
    this.acquireTimeout = o.acquireTimeout;
    const classify = o.isCallerError;
    this.callerError = (error) => {
      try {
        return classify(error);
      } catch (classifierError) {
        reportListenerError('guardPool isCallerError', classifierError);
        return false;
      }
    };
    this.onIdleError = o.onIdleError;
    pool.on('error', this.idleErrorListener);
  }

  /** Clients the pool holds (`pool.totalCount`). */
  get totalCount(): number {
    return this.pool.totalCount;
  }

  /** Idle clients in the pool (`pool.idleCount`). */
  get idleCount(): number {
    return this.pool.idleCount;
  }

  /** Callers waiting for a client (`pool.waitingCount`). */
  get waitingCount(): number {
    return this.pool.waitingCount;
  }

  /**
   * Runs one statement on a client from the pool, through the breaker. Rejects with
   * `BreakerOpenError` (or `TooManyRequestsError` in half-open) without touching the pool when
   * not admitted, with `PoolExhaustedError` when no client came within `acquireTimeout`, and
   * with the error of pg otherwise. Streams and cursors need `connect()`.
   */
  query<R extends QueryResultRow = QueryResultRow>(
    textOrConfig: string | QueryConfig,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    const bad = badQuery(textOrConfig, values);
    if (bad) return Promise.reject(bad);
    let callerError: unknown = undefined;
    let hasCallerError = false;
    return this.breaker
      .execute((signal) =>
        this.runQuery<R>(textOrConfig, values, signal).catch((error: unknown) => {
          if (!this.callerError(error)) throw error;
          // Resolving records a success; the error is thrown to the caller below.
          hasCallerError = true;
          callerError = error;
          return undefined;
        }),
      )
      .then((result) => {
        if (hasCallerError) throw callerError;
        return result as QueryResult<R>;
      });
  }

  /**
   * Takes a client from the pool through the breaker. The call lasts until `release()`: what
   * happened on the client then decides its outcome (a failure of the connection on any query,
   * a client `'error'`, or an Error passed to `release` that is not the caller's own), so a
   * half-open probe is the whole borrowing. `release(err)` destroys the client, as with pg.
   */
  connect(): Promise<PoolClient> {
    return this.lease().then((lease) => lease.proxy);
  }

  /**
   * Runs `fn` in a transaction on one client: BEGIN, `fn(client)`, COMMIT; on any error,
   * ROLLBACK and the error is thrown again. The client is released on every path, and destroyed
   * when ROLLBACK itself fails. An error of `fn` that is not from the database (a thrown
   * validation error, say) is not a failure for the breaker.
   */
  async transaction<T>(
    fn: (client: PoolClient) => T | PromiseLike<T>,
    options: TransactionOptions = {},
  ): Promise<Awaited<T>> {
    if (typeof fn !== 'function') {
      throw new TypeError(`transaction(fn): fn must be a function, got ${quote(fn)}`);
    }
    const begin = options.begin ?? 'BEGIN';
    if (typeof begin !== 'string' || begin.trim() === '') {
      throw new TypeError(`transaction option begin must be a statement, got ${quote(begin)}`);
    }
    const lease = await this.lease();
    const client = lease.proxy;
    let result: Awaited<T>;
    try {
      await client.query(begin);
      result = await fn(client);
      await client.query('COMMIT');
    } catch (error) {
      await rollback(lease);
      throw error;
    }
    lease.releaseIfHeld();
    return result;
  }

  /**
   * Stops listening to the pool's `'error'` event. The pool itself is left as it is; calls
   * still go through the breaker.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.removeListener('error', this.idleErrorListener);
  }

  /** Ends the pool (`pool.end()`), then {@link dispose}. */
  async end(): Promise<void> {
    try {
      await this.pool.end();
    } finally {
      this.dispose();
    }
  }

  private readonly idleErrorListener = (error: Error): void => {
    if (!this.onIdleError) return;
    try {
      this.onIdleError(error);
    } catch (listenerError) {
      reportListenerError('guardPool onIdleError', listenerError);
    }
  };

  /** A client lent through the breaker: the breaker call ends when the lease is released. */
  private lease(): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      let lent = false;
      this.breaker
        .execute(
          (signal) =>
            new Promise<void>((finish, fail) => {
              this.acquire().then((client) => {
                if (signal.aborted) {
                  // The caller already got the timeout; the client goes straight back.
                  client.release();
                  fail(signal.reason);
                  return;
                }
                lent = true;
                resolve(
                  new Lease(client, this.callerError, (failed, failure) => {
                    if (failed) fail(failure);
                    else finish();
                  }),
                );
              }, fail);
            }),
        )
        .catch((error: unknown) => {
          // After the client was lent, a rejection only carries the outcome to the breaker.
          if (!lent) reject(error);
        });
    });
  }

  private runQuery<R extends QueryResultRow>(
    textOrConfig: string | QueryConfig,
    values: readonly unknown[] | undefined,
    signal: AbortSignal = NEVER_ABORTED,
  ): Promise<QueryResult<R>> {
    return this.acquire().then((client) => {
      if (signal.aborted) {
        client.release();
        throw signal.reason;
      }
      return this.queryOn<R>(client, textOrConfig, values);
    });
  }

  private queryOn<R extends QueryResultRow>(
    client: PoolClient,
    textOrConfig: string | QueryConfig,
    values: readonly unknown[] | undefined,
  ): Promise<QueryResult<R>> {
    let broken: Error | undefined;
    // While lent out a client has no 'error' listener of the pool's; without one a backend
    // that dies mid-query would crash the process. The query itself rejects as well.
    const onError = (error: Error): void => {
      broken ??= error;
    };
    client.on('error', onError);
    let pending: Promise<QueryResult<R>>;
    try {
      pending = client.query<R>(textOrConfig, values as unknown[] | undefined);
    } catch (error) {
      pending = Promise.reject(asError(error));
    }
    return pending.then(
      (result) => {
        client.removeListener('error', onError);
        client.release(broken);
        return result;
      },
      (error: unknown) => {
        client.removeListener('error', onError);
        // A connection that failed is destroyed; one that only refused the caller's SQL is
        // healthy and goes back to the pool.
        client.release(broken ?? (this.callerError(error) ? undefined : asError(error)));
        throw error;
      },
    );
  }

  /** A client from the pool, or PoolExhaustedError after `acquireTimeout` ms. */
  private acquire(): Promise<PoolClient> {
    const limit = this.acquireTimeout;
    if (limit === undefined) return this.pool.connect();
    return new Promise<PoolClient>((resolve, reject) => {
      let waiting = true;
      const pool = this.pool;
      const timer = setTimeout(() => {
        waiting = false;
        reject(
          new PoolExhaustedError(this.breaker.name, limit, {
            totalCount: pool.totalCount,
            idleCount: pool.idleCount,
            waitingCount: pool.waitingCount,
            max: pool.options.max,
          }),
        );
      }, limit);
      pool.connect().then(
        (client) => {
          if (waiting) {
            waiting = false;
            clearTimeout(timer);
            resolve(client);
          } else {
            // Nobody waits for it any more: straight back to the pool.
            client.release();
          }
        },
        (error: unknown) => {
          if (!waiting) return;
          waiting = false;
          clearTimeout(timer);
          reject(asError(error));
        },
      );
    });
  }
}

/** ROLLBACK after a failed transaction; a client whose ROLLBACK fails is destroyed. */
async function rollback(lease: Lease): Promise<void> {
  if (lease.released) return;
  try {
    await lease.proxy.query('ROLLBACK');
  } catch (rollbackError) {
    lease.releaseIfHeld(asError(rollbackError));
    return;
  }
  lease.releaseIfHeld();
}

function badQuery(textOrConfig: unknown, values: unknown): TypeError | undefined {
  if (typeof textOrConfig === 'object' && textOrConfig !== null) {
    const config = textOrConfig as { text?: unknown; submit?: unknown };
    if (typeof config.submit === 'function') {
      return new TypeError(
        'query(stream): streams and cursors need a client: use connect() and release it after',
      );
    }
    if (typeof config.text !== 'string') {
      return new TypeError(
        `query(config): config.text must be a string, got ${quote(config.text)}`,
      );
    }
  } else if (typeof textOrConfig !== 'string') {
    return new TypeError(
      `query(text): text must be a string or a query config, got ${quote(textOrConfig)}`,
    );
  }
  if (typeof values === 'function') {
    return new TypeError(
      'query(text, callback): the guarded pool returns a promise; pass no callback',
    );
  }
  if (values !== undefined && !Array.isArray(values)) {
    return new TypeError(`query(text, values): values must be an array, got ${quote(values)}`);
  }
  return undefined;
}

/**
 * Puts a pg pool behind a circuit breaker (see {@link GuardedPool}).
 *
 * @param pool a `pg.Pool`.
 * @param breaker a `CircuitBreaker`, or breaker options to make one (default: default options).
 * @param options see {@link GuardPoolOptions}: `acquireTimeout`, `isCallerError`, `onIdleError`.
 *
 * @example
 * const db = guardPool(new pg.Pool(), { name: 'db', timeout: 5_000 }, { acquireTimeout: 2_000 });
 * const { rows } = await db.query('SELECT * FROM users WHERE id = $1', [id]);
 */
export function guardPool(
  pool: Pool,
  breaker?: CircuitBreaker | BreakerOptions,
  options?: GuardPoolOptions,
): GuardedPool {
  const given: unknown = pool;
  const shape = (typeof given === 'object' && given !== null ? given : {}) as Partial<
    Record<'connect' | 'on', unknown>
  >;
  if (typeof shape.connect !== 'function' || typeof shape.on !== 'function') {
    throw new TypeError(`guardPool(pool): pool must be a pg Pool, got ${quote(pool)}`);
  }
  return new GuardedPool(pool, breakerOf(breaker, 'guardPool(pool, breaker): breaker'), options);
}
