import { reportListenerError } from '../core/emitter.js';
import { isRefusal } from '../core/errors.js';
import { quote } from '../core/options.js';
import type { ResolvedOptions } from '../core/options.js';
import type { Outcome } from '../core/types.js';

/** Response headers as undici parses them: lower-case names, repeated ones as arrays. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What a response means for the breaker of its origin. */
export type ResponseOutcome = 'success' | 'failure' | 'excluded';

/**
 * Decides what a response means for the breaker of its origin, from its status line: called
 * once per response (informational 1xx responses excluded), before its body is read.
 */
export type ClassifyResponse = (status: number, headers: ResponseHeaders) => ResponseOutcome;

/**
 * The default classification: 5xx and 429 are failures (the origin is failing or shedding load),
 * every other status a success (a 404 is the origin working as it should).
 */
export function defaultClassify(status: number): ResponseOutcome {
  return status >= 500 || status === 429 ? 'failure' : 'success';
}

/** undici error codes for mistakes in the request itself, not failures of the origin. */
const CALLER_MISTAKES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/**
 * True for an error that is the caller's own mistake (an invalid header value, an unsupported
 * option), raised by undici before anything was sent: never retried, never replaced by a
 * fallback, and recorded as excluded.
 */
export function isCallerMistake(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && CALLER_MISTAKES.has(code);
}

/** undici error codes of a dispatcher closed or destroyed by its owner. */
const SHUTDOWN = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED']);

/**
 * True when the request failed because its own dispatcher was closed or destroyed (the client's
 * `destroy()`, say): the caller's doing, not the origin's.
 */
export function isShutdown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && SHUTDOWN.has(code);
}

/**
 * System error codes of this process running out of something of its own (file descriptors,
 * buffers, memory, local ports), and undici's codes for its own limits: the dependency was
 * never reached, so they say nothing about it.
 */
const LOCAL_RESOURCES = new Set([
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'ENOMEM',
  'EADDRNOTAVAIL',
  'UND_ERR_REQ_RETRY',
  'UND_ERR_MAX_RESPONSE_SIZE',
]);

/**
 * True for an error of this process's own resources or of the client's own limits (EMFILE,
 * ENFILE, ENOBUFS, ENOMEM, EADDRNOTAVAIL, undici's response size limit), also as the `cause`
 * of the error undici reports: recorded as excluded, so a process out of file descriptors does
 * not open the breaker of a healthy origin.
 */
export function isLocalResourceError(error: unknown): boolean {
  for (let e = error, depth = 0; depth < 4; depth++) {
    if (typeof e !== 'object' || e === null) return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && LOCAL_RESOURCES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True for a cancellation (an `AbortError` from any source, undici's `UND_ERR_ABORTED`). */
export function isAbort(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED';
}

/**
 * The breaker outcome of a request that failed with `error` before its status arrived: a
 * refusal of an inner policy, the caller's mistakes, the shutdown of the dispatcher and the
 * process's own resource errors ({@link isLocalResourceError}) are excluded, then the breaker's own
 * `isExcluded` and `isSuccessful` options decide as they do for `execute`; otherwise a failure.
 */
export function errorOutcome(settings: Readonly<ResolvedOptions>, error: unknown): Outcome {
  if (
    isRefusal(error) ||
    isCallerMistake(error) ||
    isShutdown(error) ||
    isLocalResourceError(error)
  ) {
    return 'excluded';
  }
  try {
    if (settings.isExcluded?.(error)) return 'excluded';
    if (settings.isSuccessful?.(error)) return true;
  } catch (predicateError) {
    reportListenerError(
      `breaker ${JSON.stringify(settings.name)} isExcluded/isSuccessful`,
      predicateError,
    );
  }
  return false;
}

/**
 * Runs `classify`; a throw or an answer other than the three outcomes is reported as a warning
 * and the default classification applies, so a bad predicate never fails a request.
 */
export function classifyResponse(
  classify: ClassifyResponse,
  status: number,
  headers: ResponseHeaders,
): ResponseOutcome {
  if (classify === defaultClassify) return defaultClassify(status);
  try {
    const outcome: unknown = classify(status, headers);
    if (outcome === 'success' || outcome === 'failure' || outcome === 'excluded') return outcome;
    reportListenerError(
      'http classify',
      new TypeError(
        `classify must return 'success', 'failure' or 'excluded', got ${quote(outcome)}`,
      ),
    );
  } catch (error) {
    reportListenerError('http classify', error);
  }
  return defaultClassify(status);
}

/** Maps a {@link ResponseOutcome} to what a breaker's `done` takes. */
export function toOutcome(outcome: ResponseOutcome): Outcome {
  return outcome === 'success' ? true : outcome === 'failure' ? false : 'excluded';
}
