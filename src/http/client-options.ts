import { Agent, type Dispatcher } from 'undici';
import { quote } from '../core/options.js';
import type { CircuitBreakerManager } from '../manager/index.js';
import { defaultRetryOn } from '../policies/retry-options.js';
import { checkOptions } from '../policies/validate.js';
import type { RetryOptions } from '../policies/retry-options.js';
import { RetryPolicy } from '../policies/retry.js';
import { defaultClassify, isCallerMistake, isShutdown, type ClassifyResponse } from './classify.js';
import { ClientClosedError } from './errors.js';
import {
  originBreakers,
  serviceNamer,
  type OriginBreakerOptions,
  type ServiceTarget,
} from './origin-breakers.js';
import { discardBody } from './response.js';
import { checkTimeout } from './request-init.js';

/**
 * What `fallback` may return: a `Response` to give the caller instead of the error, or
 * `undefined`/`null` to let the error through.
 */
export type FallbackResult = Response | undefined | null;

/**
 * Retry options of the client: those of the `retry` policy, without `breaker` (each request
 * goes through the breaker of its origin, which the retries respect). Their defaults for HTTP:
 * - `retryOnResult`: a response whose status the client classified as a failure (5xx, 429);
 * - `retryOn`: every error but a breaker's or bulkhead's refusal, an abort, the caller's own
 *   mistakes (an invalid header: undici's `UND_ERR_INVALID_ARG`) and the client's shutdown;
 * - `discardResult`: the body of a response that is retried is cancelled, which reads and
 *   drops what is left of it (up to 128 KiB, else the connection is closed), so no connection
 *   is left waiting for a reader;
 * - `retryAfter`: the `Retry-After` of 429 and 503 responses is honoured (up to `maxDelay`).
 */
export type HttpRetryOptions = Omit<RetryOptions, 'breaker'>;

/** Options of {@link ResilientHttpClient}. Durations are milliseconds. */
export interface ResilientHttpClientOptions extends OriginBreakerOptions {
  /**
   * Time for each attempt, from the moment it is admitted until its response body has arrived
   * (as `AbortSignal.timeout` does for fetch). When it runs out, the request is aborted, its
   * connection closed, and the call rejects with `CallTimeoutError` (or the body's reader gets
   * it). ms > 0, or `Infinity`. Default: the breaker's `callTimeout` if it has one, else none.
   */
  timeout?: number;
  /**
   * Called with the request (a WHATWG `Request`, without a stream body) and the error when a
   * call fails: the circuit is open or saturated, or the request threw (network error, timeout),
   * after any retries. A `Response` it returns (say, a cached one) is what the caller gets;
   * `undefined` lets the error through; a throw replaces it. Not called for 5xx or 429
   * responses (they are returned as they are), for the caller's abort, or for the caller's
   * mistakes. Default: none.
   */
  fallback?: (request: Request, error: unknown) => FallbackResult | PromiseLike<FallbackResult>;
  /**
   * Retries: `true` for the defaults (3 attempts in all, exponential backoff with jitter, a
   * retry budget of the client's own), a number of attempts in all, or {@link HttpRetryOptions}.
   * Default: none, so each call is exactly one attempt. Only idempotent requests are retried
   * (see `retryNonIdempotent` and the `idempotent` request option).
   */
  retry?: boolean | number | HttpRetryOptions;
  /** Retry POST, PATCH and other non-idempotent requests too. Default false. */
  retryNonIdempotent?: boolean;
  /** What a response means for its origin's breaker. Default {@link defaultClassify}. */
  classify?: ClassifyResponse;
  /**
   * The undici dispatcher to send requests through (an `Agent`, a `Pool`, a `ProxyAgent`, a
   * composed one). It is not closed by `close()`. Default: an `Agent` of the client's own (one
   * keep-alive pool per origin) made with `agent`.
   */
  dispatcher?: Dispatcher;
  /**
   * Options of the client's own undici `Agent` (`connections`, `keepAliveTimeout`, ...). Its
   * `connections` (sockets per origin) defaults to {@link DEFAULT_CONNECTIONS}, not undici's
   * unlimited: requests beyond it queue for a free connection instead of opening a socket each
   * (30,000 in flight ran a process out of file descriptors). `connections: null` is unlimited.
   */
  agent?: Agent.Options;
}

/** Sockets per origin of the client's own agent unless `agent.connections` says otherwise. */
export const DEFAULT_CONNECTIONS = 128;

/** Options after defaults and validation. */
export interface ResolvedClientOptions {
  readonly manager: CircuitBreakerManager;
  readonly ownsManager: boolean;
  readonly dispatcher: Dispatcher;
  readonly ownsDispatcher: boolean;
  readonly timeout: number | undefined;
  readonly fallback: ResilientHttpClientOptions['fallback'];
  readonly retry: RetryPolicy | undefined;
  readonly retryNonIdempotent: boolean;
  readonly classify: ClassifyResponse;
  /** The breaker name of a request (the `service` option; the origin by default). */
  readonly serviceOf: (target: ServiceTarget) => string;
  /** Responses classified as failures, for the default `retryOnResult`. */
  readonly failed: WeakSet<Response> | undefined;
}

const LABEL = 'ResilientHttpClient';
const KEYS = [
  'timeout',
  'breaker',
  'origins',
  'manager',
  'fallback',
  'retry',
  'retryNonIdempotent',
  'classify',
  'dispatcher',
  'agent',
  'service',
] as const;

/** The caller's own mistakes, and a client shut down meanwhile, are not worth another attempt. */
function httpRetryOn(error: unknown): boolean {
  return (
    defaultRetryOn(error) &&
    !isCallerMistake(error) &&
    !isShutdown(error) &&
    !ClientClosedError.is(error)
  );
}

function functionOption<F>(key: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${LABEL} option ${key} must be a function, got ${quote(value)}`);
  }
  return value;
}

function resolveRetry(value: unknown, failed: WeakSet<Response>): RetryPolicy | undefined {
  if (value === undefined || value === false) return undefined;
  let options: HttpRetryOptions;
  if (value === true) options = {};
  else if (typeof value === 'number') options = { maxAttempts: value };
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    options = value;
    if ('breaker' in options) {
      throw new TypeError(
        `${LABEL} option retry.breaker cannot be given: each request's retries use the breaker of its origin`,
      );
    }
  } else {
    throw new TypeError(
      `${LABEL} option retry must be true, a number of attempts or retry options, got ${quote(value)}`,
    );
  }
  try {
    return new RetryPolicy({
      ...options,
      retryOn: options.retryOn ?? httpRetryOn,
      retryOnResult: options.retryOnResult ?? ((result) => failed.has(result as Response)),
      discardResult: options.discardResult ?? discardBody,
    });
  } catch (error) {
    // The policy names its options `retry option x`; here they are `retry.x` of the client.
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    const message = error.message.replace(/^(unknown )?retry option /, `$1${LABEL} option retry.`);
    const Kind = error instanceof RangeError ? RangeError : TypeError;
    throw new Kind(message, { cause: error });
  }
}

/**
 * Validates the client's options: a bad one throws a TypeError or RangeError naming it and
 * quoting the value. Makes the manager and the agent last, so a bad option leaves nothing open.
 */
export function resolveClientOptions(options: ResilientHttpClientOptions): ResolvedClientOptions {
  if ((options as unknown) === undefined) {
    throw new TypeError(`${LABEL} options must be an object, got undefined`);
  }
  checkOptions(LABEL, options, KEYS);
  const timeout =
    options.timeout === undefined
      ? undefined
      : checkTimeout(`${LABEL} option timeout`, options.timeout);
  const fallback = functionOption('fallback', options.fallback);
  const classify = functionOption('classify', options.classify) ?? defaultClassify;
  const retryNonIdempotent: unknown = options.retryNonIdempotent ?? false;
  if (typeof retryNonIdempotent !== 'boolean') {
    throw new TypeError(
      `${LABEL} option retryNonIdempotent must be a boolean, got ${quote(retryNonIdempotent)}`,
    );
  }
  const failed = new WeakSet<Response>();
  const retry = resolveRetry(options.retry, failed);
  const { dispatcher, agent } = options;
  if (dispatcher !== undefined) {
    if (typeof (dispatcher as Partial<Dispatcher> | null)?.dispatch !== 'function') {
      throw new TypeError(
        `${LABEL} option dispatcher must be an undici Dispatcher, got ${quote(dispatcher)}`,
      );
    }
    if (agent !== undefined) {
      throw new TypeError(`${LABEL}: give either dispatcher or agent, not both`);
    }
  }
  const agentGiven: unknown = agent;
  if (agentGiven !== undefined && (typeof agentGiven !== 'object' || agentGiven === null)) {
    throw new TypeError(
      `${LABEL} option agent must be an object of undici Agent options, got ${quote(agent)}`,
    );
  }
  const { manager, owned } = originBreakers(LABEL, options);
  let ownDispatcher: Dispatcher | undefined;
  if (dispatcher === undefined) {
    try {
      ownDispatcher = new Agent(
        agent !== undefined && 'connections' in agent
          ? agent
          : { ...agent, connections: DEFAULT_CONNECTIONS },
      );
    } catch (error) {
      if (owned) manager.close();
      throw new TypeError(`${LABEL} option agent: ${(error as Error).message}`, { cause: error });
    }
  }
  return {
    manager,
    ownsManager: owned,
    dispatcher: dispatcher ?? (ownDispatcher as Dispatcher),
    ownsDispatcher: dispatcher === undefined,
    timeout,
    fallback,
    retry,
    retryNonIdempotent,
    classify,
    serviceOf: serviceNamer(LABEL, options.service),
    failed:
      retry !== undefined && !(typeof options.retry === 'object' && options.retry.retryOnResult)
        ? failed
        : undefined,
  };
}
