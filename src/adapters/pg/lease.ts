import type { PoolClient } from 'pg';

type AnyFunction = (...args: unknown[]) => unknown;

/** Called once, when the borrower releases the client: `failed` with what made it fail. */
export type LeaseEnd = (failed: boolean, failure: unknown) => void;

const isSubmittable = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { submit?: unknown }).submit === 'function';

/** What pg's `release(err)` needs to destroy a client: an Error (any truthy value works). */
const asError = (value: unknown): Error =>
  value instanceof Error ? value : new Error(String(value), { cause: value });

/**
 * A client lent out by `connect()`. The borrower gets a proxy of the real pg client: `query`
 * watches every outcome (failures of the connection, not the caller's own SQL errors) and
 * `release` reports the result of the whole borrowing to the breaker, once. The real client is
 * left untouched, so the pool and other code never see the wrapper.
 */
export class Lease {
  /** The real client from the pool. */
  readonly client: PoolClient;
  /** What the borrower holds. */
  readonly proxy: PoolClient;
  /** True once `release` was called. */
  released = false;
  private failed = false;
  private failure: unknown = undefined;
  private readonly isCallerError: (error: unknown) => boolean;
  private readonly onEnd: LeaseEnd;
  private readonly poolRelease: (error?: Error | boolean) => void;
  private readonly clientQuery: AnyFunction;

  constructor(client: PoolClient, isCallerError: (error: unknown) => boolean, onEnd: LeaseEnd) {
    this.client = client;
    this.isCallerError = isCallerError;
    this.onEnd = onEnd;
    // pg-pool gives each checkout its own release function; keep the one of this checkout.
    this.poolRelease = client.release.bind(client);
    const query: unknown = Reflect.get(client, 'query');
    this.clientQuery = query as AnyFunction;
    // A checked-out client has no 'error' listener of the pool's: without one, a backend that
    // dies while it is lent out would crash the process.
    client.on('error', this.onClientError);
    this.proxy = new Proxy(client, {
      get: (target, key, receiver) => {
        if (key === 'query') return this.query;
        if (key === 'release') return this.release;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  /** Records a failure of the connection; the caller's own SQL errors are not failures. */
  observe(error: unknown): void {
    if (this.failed || this.isCallerError(error)) return;
    this.failed = true;
    this.failure = error;
  }

  private readonly onClientError = (error: Error): void => {
    this.observe(error);
  };

  /** `client.query` in all its forms (promise, callback, submittable), outcomes observed. */
  private readonly query = (...args: unknown[]): unknown => {
    if (this.released) {
      const error = new Error('client was already released to the pool: query refused');
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        process.nextTick(last, error);
        return undefined;
      }
      return Promise.reject(error);
    }
    // Streams and cursors report through their own events; a broken connection still shows
    // through the client's 'error' event, which is watched.
    if (isSubmittable(args[0])) return this.clientQuery.apply(this.client, args);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        if (error) this.observe(error);
        (last as AnyFunction)(error, result);
      };
      return this.clientQuery.apply(this.client, args);
    }
    let pending: Promise<unknown>;
    try {
      pending = this.clientQuery.apply(this.client, args) as Promise<unknown>;
    } catch (error) {
      this.observe(error);
      throw error;
    }
    return pending.catch((error: unknown) => {
      this.observe(error);
      throw error;
    });
  };

  /**
   * Gives the client back. As with pg, a truthy argument destroys the client instead of pooling
   * it; a client that saw a failure is destroyed too. An Error passed here that is not the
   * caller's own counts as a failure. Throws when called twice, like pg.
   */
  readonly release = (error?: Error | boolean): void => {
    if (this.released) {
      throw new Error('Release called on client which has already been released to the pool.');
    }
    this.released = true;
    this.client.removeListener('error', this.onClientError);
    if (error instanceof Error) this.observe(error);
    const destroy = error || (this.failed ? asError(this.failure) : undefined);
    try {
      this.poolRelease(destroy);
    } finally {
      this.onEnd(this.failed, this.failure);
    }
  };

  /** `release` unless the borrower already released the client (a transaction's last step). */
  releaseIfHeld(error?: Error): void {
    if (!this.released) this.release(error);
  }
}
