import type { Dispatcher } from 'undici';
import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { CallTimeoutError } from '../core/errors.js';
import type { Outcome } from '../core/types.js';
import {
  classifyResponse,
  errorOutcome,
  isShutdown,
  toOutcome,
  type ClassifyResponse,
  type ResponseHeaders,
} from './classify.js';
import type { PreparedRequest } from './request-init.js';
import { HttpResponse, toHeaders, type BodySource } from './response.js';

/** What every attempt of one client shares. */
export interface AttemptContext {
  readonly dispatcher: Dispatcher;
  readonly classify: ClassifyResponse;
  /** Responses classified as failures (what a retry retries); `undefined` without retries. */
  readonly failed: WeakSet<Response> | undefined;
  /** Attempts started and not ended (their bodies included), for a graceful close. */
  readonly flight: InFlight;
}

/** Counts attempts in flight; `onIdle` is called when the count drops to 0. */
export interface InFlight {
  active: number;
  onIdle: (() => void) | undefined;
}

/**
 * Bytes of a body held for a reader that has not started before the connection is paused (and
 * the queue of a body stream). undici's own `request` buffers 64 KiB.
 */
const HIGH_WATER_MARK = 64 * 1024;
/**
 * A body the caller cancelled or a retry discarded is read to its end (and dropped) up to this
 * many more bytes, so its keep-alive connection can serve the next request; past it the
 * connection is closed. undici's `body.dump()` uses the same limit.
 */
const DUMP_LIMIT = 128 * 1024;

/** Statuses whose responses have no body (fetch's "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Who reads the body. */
const NOBODY = 0;
const COLLECT = 1;
const STREAM = 2;
const DUMP = 3;

/** The concatenated chunks of a body. */
function bytesOf(chunks: readonly Buffer[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Buffer;
  return chunks.length === 0 ? new Uint8Array(0) : Buffer.concat(chunks);
}

/** Runs after the parser has handled the packet that carried the status line (see `deliver`). */
function deliverLater(attempt: Attempt): void {
  attempt.deliver();
}

function onTimer(attempt: Attempt): void {
  attempt.timeUp();
}

/**
 * One attempt of a request: an undici dispatch handler that records the outcome on the origin's
 * breaker (admitted before the attempt starts), enforces the timeout and the caller's signal,
 * resolves with the response, and then serves as the source of its body.
 *
 * Outcome: a failure or excluded status is recorded as soon as the status line arrives. A
 * success status is recorded once the body has arrived, so a body that breaks off (the origin
 * reset the connection, or time ran out while the body was still coming) is a failure; the
 * caller giving up on the body (abort, cancel, not reading it in time) keeps it a success.
 * Errors before the status: a timeout or a network error is a failure, the caller's abort is
 * excluded.
 *
 * Body: the response is delivered once the parser is done with the packet that carried the
 * status line, so a small response has arrived whole by then. Chunks are held until a reader
 * comes (up to 64 KiB, then the connection is paused), and handed over as bytes or as a stream.
 */
class Attempt implements Dispatcher.DispatchHandler, BodySource {
  private readonly prepared: PreparedRequest;
  private readonly context: AttemptContext;
  private readonly breaker: CircuitBreaker;
  private readonly timeout: number;
  private done: ((outcome: Outcome) => void) | undefined;
  private readonly resolve: (response: Response) => void;
  private readonly reject: (error: unknown) => void;
  private controller: Dispatcher.DispatchController | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private status = 0;
  private statusText = '';
  private headers: ResponseHeaders = {};
  private failedStatus = false;
  /** A success status arrived; its outcome waits for the end of the body. */
  private successPending = false;
  /** The promise was settled (resolved with the response or rejected). */
  private settled = false;
  /** Nothing more will arrive: the response came in whole, or failed. */
  private ended = false;
  /** It failed after the response was delivered: the body's reader gets `bodyError`. */
  private broken = false;
  private bodyError: unknown = undefined;
  /** We aborted it (timeout, the caller's signal, the dump limit); `reason` says why. */
  private aborting = false;
  private reason: unknown = undefined;
  private timedOut = false;
  /** Paused because the reader of the body is behind (or has not started). */
  private paused = false;
  private reader = NOBODY;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private dumped = 0;
  private byteStream: ReadableByteStreamController | undefined = undefined;
  private collected:
    { resolve: (bytes: Uint8Array) => void; reject: (e: unknown) => void } | undefined = undefined;

  constructor(
    prepared: PreparedRequest,
    context: AttemptContext,
    breaker: CircuitBreaker,
    timeout: number,
    done: (outcome: Outcome) => void,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.prepared = prepared;
    this.context = context;
    this.breaker = breaker;
    this.timeout = timeout;
    this.done = done;
    this.resolve = resolve;
    this.reject = reject;
  }

  start(): void {
    const { prepared } = this;
    this.context.flight.active++;
    prepared.signal?.addEventListener('abort', this);
    if (this.timeout !== Infinity) {
      this.timer = setTimeout(onTimer, this.timeout, this);
      // The socket keeps the process alive while the request runs; the timer alone must not.
      this.timer.unref();
    }
    const options: Dispatcher.DispatchOptions = {
      origin: prepared.origin,
      path: prepared.path,
      method: prepared.method,
    };
    if (prepared.headers !== undefined) {
      options.headers = prepared.headers as Dispatcher.DispatchOptions['headers'];
    }
    if (prepared.body !== undefined) {
      options.body = prepared.body as Dispatcher.DispatchOptions['body'];
    }
    try {
      this.context.dispatcher.dispatch(options, this);
    } catch (error) {
      // undici reports its errors through onResponseError; a dispatcher of the caller's might throw.
      this.onResponseError(this.controller, error as Error);
    }
  }

  // --- the caller's signal and the timer --------------------------------------------------

  /** The caller's signal aborted (this object is its listener). */
  handleEvent(): void {
    this.abort(this.prepared.signal?.reason);
  }

  timeUp(): void {
    this.timer = undefined;
    if (this.ended || this.aborting) return;
    this.timedOut = true;
    this.abort(new CallTimeoutError(this.prepared.origin, this.timeout));
  }

  private abort(reason: unknown): void {
    if (this.ended || this.aborting) return;
    this.aborting = true;
    this.reason = reason;
    // undici destroys the socket of a request aborted before it completed: the origin sees the
    // connection close. Its error comes back through onResponseError.
    if (this.controller) this.controller.abort(reason as Error);
    // Still waiting for a connection: settle now; it is aborted as soon as it gets one.
    else this.onResponseError(undefined, reason as Error);
  }

  /** Called once, when the attempt ends (whole, or failed). */
  private cleanup(): void {
    const flight = this.context.flight;
    if (--flight.active === 0) flight.onIdle?.();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.prepared.signal?.removeEventListener('abort', this);
  }

  private record(outcome: Outcome): void {
    const done = this.done;
    if (done === undefined) return;
    this.done = undefined;
    done(outcome);
  }

  private pause(): void {
    if (!this.paused && this.controller) {
      this.paused = true;
      this.controller.pause();
    }
  }

  private resume(): void {
    if (this.paused) {
      this.paused = false;
      this.controller?.resume();
    }
  }

  // --- undici's handler interface ---------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborting) controller.abort(this.reason as Error);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: ResponseHeaders,
    statusText?: string,
  ): void {
    if (status < 200 || this.ended || this.status !== 0) return;
    this.controller = controller;
    this.status = status;
    this.statusText = statusText ?? '';
    this.headers = headers;
    const outcome = classifyResponse(this.context.classify, status, headers);
    if (outcome === 'success') this.successPending = true;
    else {
      this.failedStatus = outcome === 'failure';
      this.record(toOutcome(outcome));
    }
    // Deliver once the parser is done with this packet: a small response has then arrived whole.
    void Promise.resolve(this).then(deliverLater);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    switch (this.reader) {
      case DUMP:
        this.dumped += chunk.byteLength;
        if (this.dumped > DUMP_LIMIT) {
          this.abort(new Error(`response body dropped: over ${DUMP_LIMIT} bytes left unread`));
        }
        return;
      case STREAM: {
        const stream = this.byteStream as ReadableByteStreamController;
        // A copy: a byte stream takes over the chunk's buffer, which undici may share.
        stream.enqueue(new Uint8Array(chunk));
        if ((stream.desiredSize ?? 0) <= 0) this.pause();
        return;
      }
      default:
        this.chunks.push(chunk);
        this.buffered += chunk.byteLength;
        if (this.reader === NOBODY && this.settled && this.buffered >= HIGH_WATER_MARK) {
          this.pause();
        }
    }
  }

  onResponseEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.cleanup();
    if (this.successPending) this.record(true);
    if (this.reader === STREAM) {
      this.byteStream?.close();
      this.byteStream = undefined;
    } else if (this.reader === COLLECT) {
      const bytes = bytesOf(this.chunks);
      this.chunks = [];
      this.collected?.resolve(bytes);
      this.collected = undefined;
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.cleanup();
    // Our own abort comes back as undici's error; the caller gets the reason we aborted with.
    const cause: unknown = this.aborting ? this.reason : error;
    if (this.successPending) {
      // The status said success and the body broke off: the origin failed, unless the break
      // is the caller's doing (it aborted, dropped the body, or was not reading when time ran out).
      this.record(
        this.timedOut ? this.paused || this.reader === DUMP : this.aborting || isShutdown(error),
      );
    } else if (this.timedOut) this.record(false);
    else if (this.aborting) this.record('excluded');
    else this.record(errorOutcome(this.breaker.settings, error));
    this.chunks = [];
    if (!this.settled) {
      this.settled = true;
      this.reject(cause);
      return;
    }
    this.broken = true;
    this.bodyError = cause;
    if (this.reader === STREAM) {
      this.byteStream?.error(cause);
      this.byteStream = undefined;
    } else if (this.reader === COLLECT) {
      this.collected?.reject(cause);
      this.collected = undefined;
    }
  }

  // --- the Response -----------------------------------------------------------------------

  /** Resolves the call with the Response (unless it failed meanwhile). */
  deliver(): void {
    if (this.settled) return;
    this.settled = true;
    let response: Response;
    try {
      response = this.makeResponse();
    } catch (error) {
      // Only a status a Response cannot have (over 599) gets here.
      this.reject(error);
      this.abort(error);
      return;
    }
    if (this.failedStatus) this.context.failed?.add(response);
    this.resolve(response);
    // Held chunks past the mark while nobody reads: wait for a reader.
    if (!this.ended && this.reader === NOBODY && this.buffered >= HIGH_WATER_MARK) this.pause();
  }

  private makeResponse(): Response {
    const { status } = this;
    if (status > 599) {
      throw new RangeError(
        `${this.prepared.origin} answered ${this.prepared.method} ${this.prepared.path} with status ${status}, outside 200-599`,
      );
    }
    const nullBody = NULL_BODY.has(status) || this.prepared.method === 'HEAD';
    // Nothing to hand to a reader: whatever still comes is dropped.
    if (nullBody) this.discard();
    try {
      return this.build(nullBody, this.statusText);
    } catch (error) {
      // A reason phrase the WHATWG rules refuse (undici's parser is more lenient): dropped.
      if (!(error instanceof TypeError) || this.statusText === '') throw error;
      return this.build(nullBody, '');
    }
  }

  private build(nullBody: boolean, statusText: string): Response {
    const { status, headers } = this;
    // A response without a body gains nothing from the lazy subclass: a plain one.
    return nullBody
      ? new Response(null, { status, statusText, headers: toHeaders(headers) })
      : new HttpResponse(this, { status, statusText }, headers);
  }

  // --- the body (BodySource) ----------------------------------------------------------------

  collect(): Promise<Uint8Array> {
    if (this.broken) return Promise.reject(this.bodyError);
    if (this.ended) {
      const bytes = bytesOf(this.chunks);
      this.chunks = [];
      return Promise.resolve(bytes);
    }
    this.reader = COLLECT;
    this.resume();
    return new Promise<Uint8Array>((resolve, reject) => {
      this.collected = { resolve, reject };
    });
  }

  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream(
      {
        type: 'bytes',
        start: (controller) => {
          for (const chunk of this.chunks) controller.enqueue(new Uint8Array(chunk));
          this.chunks = [];
          if (this.broken) controller.error(this.bodyError);
          else if (this.ended) controller.close();
          else {
            this.reader = STREAM;
            this.byteStream = controller;
          }
        },
        pull: () => {
          this.resume();
        },
        cancel: () => {
          this.byteStream = undefined;
          this.discard();
        },
      },
      { highWaterMark: HIGH_WATER_MARK },
    );
  }

  discard(): void {
    this.chunks = [];
    this.buffered = 0;
    if (this.ended) return;
    this.reader = DUMP;
    this.resume();
  }
}

/**
 * Makes one attempt of `prepared` through `breaker`, which must admit it (a rejection by the
 * breaker rejects the returned promise, without touching the network). `timeout` is in ms,
 * `Infinity` for none. Never throws.
 */
export function attempt(
  context: AttemptContext,
  prepared: PreparedRequest,
  breaker: CircuitBreaker,
  timeout: number,
): Promise<Response> {
  if (prepared.signal?.aborted) return Promise.reject(prepared.signal.reason as unknown);
  let done: (outcome: Outcome) => void;
  try {
    done = breaker.allow();
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Response>((resolve, reject) => {
    new Attempt(prepared, context, breaker, timeout, done, resolve, reject).start();
  });
}
