import type { Dispatcher } from 'undici';
import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { quote } from '../core/options.js';
import type { Outcome } from '../core/types.js';
import type { CircuitBreakerManager } from '../manager/index.js';
import {
  classifyResponse,
  defaultClassify,
  errorOutcome,
  isAbort,
  isShutdown,
  toOutcome,
  type ClassifyResponse,
  type ResponseHeaders,
} from './classify.js';
import {
  originBreakers,
  originKey,
  serviceNamer,
  type OriginBreakerOptions,
  type ServiceTarget,
} from './origin-breakers.js';

/** Options of {@link breakerInterceptor}. */
export interface BreakerInterceptorOptions extends OriginBreakerOptions {
  /** What a response means for its origin's breaker. Default {@link defaultClassify}. */
  classify?: ClassifyResponse;
  /**
   * The breaker name for requests dispatched without an `origin` (a `Client` or `Pool` of one
   * origin sends none). Default: none, and such a request fails with a TypeError.
   */
  origin?: string;
}

/** An undici interceptor, for `dispatcher.compose(...)`. */
export type BreakerInterceptor = Dispatcher.DispatcherComposeInterceptor;

/** Passed to a handler whose request the breaker refused: nothing was started. */
function refusedController(reason: Error): Dispatcher.DispatchController {
  return {
    aborted: true,
    paused: false,
    reason,
    abort() {
      // Nothing to abort: the request was never dispatched.
    },
    pause() {
      // Nothing to pause.
    },
    resume() {
      // Nothing to resume.
    },
  };
}

/** Origins of `opts.origin` strings seen, so that a request does not parse one again. */
const ORIGIN_CACHE_SIZE = 1024;

/**
 * Wraps the caller's handler: passes everything through, and reports the outcome to the
 * breaker that admitted the request. The rules are those of the client: a failure or excluded
 * status at once, a success status once the body has arrived (a body that breaks off is a
 * failure, unless it was cancelled); before a status, a cancellation (`AbortError`) is
 * excluded, a timeout or a network error a failure.
 */
class BreakerHandler implements Dispatcher.DispatchHandler {
  private readonly handler: Dispatcher.DispatchHandler;
  private readonly breaker: CircuitBreaker;
  private readonly classify: ClassifyResponse;
  private done: ((outcome: Outcome) => void) | undefined;
  private successPending = false;

  constructor(
    handler: Dispatcher.DispatchHandler,
    breaker: CircuitBreaker,
    classify: ClassifyResponse,
    done: (outcome: Outcome) => void,
  ) {
    this.handler = handler;
    this.breaker = breaker;
    this.classify = classify;
    this.done = done;
  }

  record(outcome: Outcome): void {
    const done = this.done;
    if (done === undefined) return;
    this.done = undefined;
    done(outcome);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[2],
    socket: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[3],
  ): void {
    this.record(true);
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode >= 200 && this.done !== undefined && !this.successPending) {
      const outcome = classifyResponse(this.classify, statusCode, headers);
      if (outcome === 'success') this.successPending = true;
      else this.record(toOutcome(outcome));
    }
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>[1],
  ): void {
    this.record(true);
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    if (this.successPending) this.record(isAbort(error) || isShutdown(error));
    else this.record(isAbort(error) ? 'excluded' : errorOutcome(this.breaker.settings, error));
    this.handler.onResponseError?.(controller, error);
  }
}

/**
 * Makes an undici interceptor that puts every request through the circuit breaker of its
 * origin, for code that already uses undici (`request`, `fetch`, `stream`) with a dispatcher:
 * `new Agent().compose(breakerInterceptor())` protects every call made through that agent,
 * without changing the calls.
 *
 * Admission is decided when the request is dispatched: while an origin's circuit is open, the
 * request fails at once with `BreakerOpenError` (`TooManyRequestsError` when half-open and
 * saturated), without touching the network (fetch wraps it: `TypeError('fetch failed')` with
 * it as `cause`). Outcomes follow the client's rules (5xx and 429 fail by default). Timeouts
 * are the caller's to set (`AbortSignal.timeout`, undici's `headersTimeout`); a
 * `TimeoutError` reason counts as a failure, an `AbortError` as excluded.
 *
 * @example
 * import { Agent, fetch, setGlobalDispatcher } from 'undici';
 * setGlobalDispatcher(new Agent().compose(breakerInterceptor({ breaker: { timeout: 10_000 } })));
 * const res = await fetch('https://api.example.com/users/1'); // protected
 */
export function breakerInterceptor(options: BreakerInterceptorOptions = {}): BreakerInterceptor {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(`breakerInterceptor options must be an object, got ${quote(given)}`);
  }
  const { classify: classifyOption, origin: fixedOrigin, ...rest } = options;
  for (const key of Object.keys(rest)) {
    if (key !== 'breaker' && key !== 'origins' && key !== 'manager' && key !== 'service') {
      throw new TypeError(
        `unknown breakerInterceptor option ${key} (known: breaker, origins, manager, service, classify, origin)`,
      );
    }
  }
  const classify = classifyOption ?? defaultClassify;
  if (typeof classify !== 'function') {
    throw new TypeError(
      `breakerInterceptor option classify must be a function, got ${quote(classify)}`,
    );
  }
  const fallbackOrigin =
    fixedOrigin === undefined
      ? undefined
      : originKey('breakerInterceptor option origin', fixedOrigin);
  const { manager } = originBreakers('breakerInterceptor', rest);
  return interceptorFor(
    manager,
    classify,
    fallbackOrigin,
    serviceNamer('breakerInterceptor', rest.service),
  );
}

/**
 * The interceptor over an existing manager (what `ResilientHttpClient#interceptor` shares).
 * @internal
 */
export function interceptorFor(
  manager: CircuitBreakerManager,
  classify: ClassifyResponse,
  fallbackOrigin?: string,
  serviceOf: (target: ServiceTarget) => string = (target) => target.origin,
): BreakerInterceptor {
  const origins = new Map<string, string>();
  const originOf = (value: unknown): string | undefined => {
    if (value === undefined || value === null || value === '') return fallbackOrigin;
    if (value instanceof URL) return value.origin;
    if (typeof value !== 'string') return undefined;
    let origin = origins.get(value);
    if (origin === undefined) {
      origin = new URL(value).origin;
      if (origins.size >= ORIGIN_CACHE_SIZE) origins.clear();
      origins.set(value, origin);
    }
    return origin;
  };
  return (dispatch) => {
    return function breakerDispatch(opts, handler) {
      let breaker: CircuitBreaker;
      let done: (outcome: Outcome) => void;
      try {
        const origin = originOf(opts.origin);
        if (origin === undefined) {
          throw new TypeError(
            `breakerInterceptor: the request has no origin to name its breaker by (got ${quote(opts.origin)}); give the interceptor an origin option`,
          );
        }
        breaker = manager.get(serviceOf({ origin, path: opts.path, method: opts.method }));
        done = breaker.allow();
      } catch (error) {
        // Refused (or unusable): the request is never dispatched, and the caller hears of it
        // the way undici reports any failure.
        if (typeof handler.onResponseError !== 'function') throw error;
        handler.onResponseError(refusedController(error as Error), error as Error);
        return true;
      }
      const wrapped = new BreakerHandler(handler, breaker, classify, done);
      try {
        return dispatch(opts, wrapped);
      } catch (error) {
        // Thrown before anything was sent: a mistake in the request, not the origin's failure.
        wrapped.record('excluded');
        throw error;
      }
    };
  };
}
