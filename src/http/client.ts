import type { Dispatcher } from 'undici';
import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { quote } from '../core/options.js';
import type { CircuitBreakerManager } from '../manager/index.js';
import { attempt, type AttemptContext } from './attempt.js';
import { isCallerMistake } from './classify.js';
import {
  resolveClientOptions,
  type ResilientHttpClientOptions,
  type ResolvedClientOptions,
} from './client-options.js';
import { ClientClosedError } from './errors.js';
import { interceptorFor, type BreakerInterceptor } from './interceptor.js';
import {
  isIdempotentMethod,
  parseUrl,
  prepareRequest,
  toRequest,
  type HttpRequestInit,
  type PreparedRequest,
} from './request-init.js';

function isResponseLike(value: unknown): value is Response {
  return (
    value instanceof Response ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Partial<Response>).status === 'number' &&
      typeof (value as Partial<Response>).headers === 'object')
  );
}

/**
 * An HTTP client with a circuit breaker per origin, over undici (keep-alive connection pools
 * per origin). Every request goes through the breaker of its origin, named by
 * `new URL(url).origin`:
 * - network errors, timeouts, 5xx and 429 responses are failures, other statuses successes
 *   (`classify` changes that); a 5xx or 429 response is still returned as a `Response`;
 * - while a circuit is open, requests to that origin reject with `BreakerOpenError` without
 *   touching the network, unless `fallback` gives a response;
 * - a request that runs out of `timeout` is aborted, its connection closed, and the call
 *   rejects with `CallTimeoutError`;
 * - without `retry`, each call is exactly one attempt; with it, idempotent requests are
 *   retried under a retry budget, honouring `Retry-After` and never into an open circuit.
 *
 * Responses are WHATWG `Response`s: instances of a subclass of the platform's `Response` that
 * keeps the body itself, so a small body that arrived whole is read without making a stream
 * (which costs more than the rest of a loopback request). Every public member works as the
 * standard says; only code that reaches past them (`Response.prototype.text.call(res)`) sees an
 * empty body. Larger bodies stream, pausing the connection while the reader is behind. Consume
 * or cancel every body: an unread body larger than what the client holds (64 KiB) keeps its
 * connection busy, as with fetch. Redirects are not followed: a 3xx is returned as it is.
 *
 * @example
 * const client = new ResilientHttpClient({
 *   timeout: 2_000,
 *   breaker: { consecutiveFailures: 5, timeout: 30_000 },
 *   retry: { maxAttempts: 3 },
 *   fallback: (request, error) => cache.get(request.url),
 * });
 * const res = await client.get('https://api.example.com/users/1');
 * const user = await res.json();
 */
export class ResilientHttpClient {
  /** The manager holding one breaker per origin (the client's own, or the one given). */
  readonly manager: CircuitBreakerManager;
  /** The undici dispatcher requests go through (the client's own `Agent`, or the one given). */
  readonly dispatcher: Dispatcher;
  private readonly o: ResolvedClientOptions;
  private readonly context: AttemptContext;
  private closing: Promise<void> | undefined = undefined;
  private destroyed = false;
  private shared: BreakerInterceptor | undefined = undefined;

  /**
   * @param options see {@link ResilientHttpClientOptions}; every value is validated here, and a
   * bad one throws a TypeError or RangeError naming the option and quoting the value.
   */
  constructor(options: ResilientHttpClientOptions = {}) {
    const o = resolveClientOptions(options);
    this.o = o;
    this.manager = o.manager;
    this.dispatcher = o.dispatcher;
    this.context = {
      dispatcher: o.dispatcher,
      classify: o.classify,
      failed: o.failed,
      flight: { active: 0, onIdle: undefined },
    };
  }

  /**
   * A GET request: `request(url, init)` with the method GET.
   * @param url an absolute http(s) URL
   */
  get(url: string | URL, init?: Omit<HttpRequestInit, 'method' | 'body'>): Promise<Response> {
    const method: unknown = (init as { method?: unknown } | undefined)?.method;
    if (method !== undefined && (typeof method !== 'string' || method.toUpperCase() !== 'GET')) {
      return Promise.reject(
        new TypeError(`get() sends GET; use request() for init.method ${quote(method)}`),
      );
    }
    return this.request(url, init);
  }

  /**
   * Sends a request through the breaker of its origin and resolves with the response, whatever
   * its status. Never throws: bad input (an invalid URL, a negative timeout: TypeError or
   * RangeError naming it), a closed client, a refusal by the breaker, a timeout and network
   * errors all come through the promise (after retries and `fallback`).
   *
   * @param url an absolute http(s) URL
   */
  request(url: string | URL, init?: HttpRequestInit): Promise<Response> {
    let prepared: PreparedRequest;
    try {
      if (this.closing !== undefined) throw new ClientClosedError();
      prepared = prepareRequest(url, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const retry = this.o.retry;
    const call =
      retry !== undefined && this.mayRetry(prepared)
        ? this.withRetries(prepared)
        : this.once(prepared);
    return this.o.fallback === undefined
      ? call
      : call.then(undefined, (error: unknown) => this.recover(prepared, error));
  }

  /**
   * The breaker of the origin of `url` (made on first use).
   * @param url an absolute http(s) URL, or an origin
   */
  breakerFor(url: string | URL): CircuitBreaker {
    const parsed = parseUrl(url);
    return this.manager.get(
      this.o.serviceOf({
        origin: parsed.origin,
        path: parsed.pathname + parsed.search,
        method: 'GET',
      }),
    );
  }

  /**
   * An undici interceptor over this client's breakers and `classify`: undici calls or fetch
   * calls made through `anyDispatcher.compose(client.interceptor)` count in the same breakers.
   */
  get interceptor(): BreakerInterceptor {
    return (this.shared ??= interceptorFor(
      this.manager,
      this.o.classify,
      undefined,
      this.o.serviceOf,
    ));
  }

  /**
   * Stops taking requests (they reject with `ClientClosedError`), closes the client's own
   * agent once the requests in flight have finished (its idle keep-alive connections at once),
   * and closes its own manager. A request is in flight until its response body has been read
   * or cancelled: one left unread keeps this waiting (see {@link destroy}). A dispatcher or
   * manager given in the options is left open.
   */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  /**
   * Like {@link close}, but aborts the requests in flight at once (their calls, or their
   * bodies' readers, get undici's `ClientDestroyedError`) and closes every connection of the
   * client's own agent. A dispatcher or manager given in the options is left open.
   */
  destroy(): Promise<void> {
    const closing = this.close();
    if (!this.o.ownsDispatcher || this.destroyed) return closing;
    this.destroyed = true;
    return Promise.all([this.o.dispatcher.destroy(), closing]).then(() => undefined);
  }

  /** The same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- internals -----------------------------------------------------------------------------

  private async shutdown(): Promise<void> {
    try {
      if (this.o.ownsDispatcher) {
        // The client waits for its own attempts rather than leave that to undici: once an
        // Agent is closing, its destroy() no longer reaches the requests still running.
        await this.idle();
        if (!this.destroyed) await this.o.dispatcher.close();
      }
    } finally {
      if (this.o.ownsManager) this.manager.close();
    }
  }

  /** Resolves once no attempt is in flight. */
  private idle(): Promise<void> {
    const flight = this.context.flight;
    if (flight.active === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      flight.onIdle = () => {
        flight.onIdle = undefined;
        resolve();
      };
    });
  }

  private mayRetry(prepared: PreparedRequest): boolean {
    if (!prepared.replayable) return false;
    return (
      prepared.idempotent ?? (isIdempotentMethod(prepared.method) || this.o.retryNonIdempotent)
    );
  }

  private once(prepared: PreparedRequest): Promise<Response> {
    let breaker: CircuitBreaker;
    try {
      // A retry may come after close(): it is not sent.
      if (this.closing !== undefined) throw new ClientClosedError();
      breaker = this.manager.get(this.o.serviceOf(prepared));
    } catch (error) {
      return Promise.reject(error);
    }
    const timeout = prepared.timeout ?? this.o.timeout ?? breaker.settings.callTimeout ?? Infinity;
    return attempt(this.context, prepared, breaker, timeout);
  }

  private withRetries(prepared: PreparedRequest): Promise<Response> {
    let breaker: CircuitBreaker;
    try {
      breaker = this.manager.get(this.o.serviceOf(prepared));
    } catch (error) {
      return Promise.reject(error);
    }
    return (this.o.retry as NonNullable<ResolvedClientOptions['retry']>).execute(
      () => this.once(prepared),
      { signal: prepared.signal, breaker },
    );
  }

  private async recover(prepared: PreparedRequest, error: unknown): Promise<Response> {
    // The caller's own abort and mistakes are not failures to cover up.
    if (prepared.signal?.aborted || isCallerMistake(error) || ClientClosedError.is(error)) {
      throw error;
    }
    let request: Request;
    try {
      request = toRequest(prepared);
    } catch {
      // Headers undici took but WHATWG rules refuse: no Request to show the fallback.
      throw error;
    }
    const fallback = this.o.fallback as NonNullable<ResolvedClientOptions['fallback']>;
    const response = await fallback(request, error);
    if (response === undefined || response === null) throw error;
    if (!isResponseLike(response)) {
      throw new TypeError(
        `ResilientHttpClient fallback must return a Response, or undefined to keep the error; got ${quote(response)}`,
        { cause: error },
      );
    }
    return response;
  }
}
