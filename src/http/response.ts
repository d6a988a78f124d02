import * as streams from 'node:stream';
import type { ResponseHeaders } from './classify.js';

// In node since 16.8 (`stream.isDisturbed`), missing from @types/node 20.
const isDisturbed = (streams as unknown as { isDisturbed: (stream: ReadableStream) => boolean })
  .isDisturbed;

/** Where the body of an {@link HttpResponse} comes from: the attempt that received it. */
export interface BodySource {
  /** The body as a byte stream; called at most once. */
  stream(): ReadableStream<Uint8Array>;
  /** The whole body; called at most once, and never after `stream`. */
  collect(): Promise<Uint8Array>;
  /** Nobody will read the body: drop it (and read the rest off the connection). */
  discard(): void;
}

interface BodyState {
  readonly source: BodySource;
  readonly parsed: ResponseHeaders;
  /** The `Headers`, once asked for. */
  headers: Headers | undefined;
  /** The stream `body` returned, once asked for. */
  stream: ReadableStream<Uint8Array> | undefined;
  /** Read (or discarded) without a stream. */
  used: boolean;
}

const kBody = Symbol('breakwater.http.body');
const decoder = new TextDecoder();

/**
 * The WHATWG `Response` the client resolves with: a subclass of the platform's `Response`, so
 * `instanceof Response` holds and every member behaves as the standard says, whose body and
 * headers are made on demand. `text()`, `json()`, `arrayBuffer()`, `bytes()`, `blob()` and
 * `formData()` read the received bytes directly; a `ReadableStream` is made only when `body`
 * is read (or for `clone()`), since building one costs more than the rest of a loopback
 * request, and `Headers` only when `headers` is read.
 *
 * The one difference from a response made by `fetch`: the body and the headers live in this
 * object, not in the platform's internal slots, so code that reaches past the public members
 * (calling `Response.prototype.text` on it directly, say) sees an empty body and no headers. As for any `Response` made
 * with its constructor, `url` is `''` and `type` is `'default'`.
 */
export class HttpResponse extends Response {
  /** @internal */
  readonly [kBody]: BodyState;

  /**
   * @internal Made by the client only.
   * @param init status and statusText
   * @param headers as undici parsed them; a `Headers` is made from them when first read
   */
  constructor(source: BodySource, init: ResponseInit, headers: ResponseHeaders) {
    super(null, init);
    this[kBody] = { source, parsed: headers, headers: undefined, stream: undefined, used: false };
  }
}

/** undici's parsed headers as `Headers`; values `Headers` refuses are left out, not fatal. */
export function toHeaders(parsed: ResponseHeaders): Headers {
  const headers = new Headers();
  try {
    for (const name in parsed) {
      const value = parsed[name];
      if (typeof value === 'string') headers.append(name, value);
      else if (value !== undefined) for (const item of value) headers.append(name, item);
    }
    return headers;
  } catch {
    const safe = new Headers();
    for (const name in parsed) {
      const value = parsed[name];
      for (const item of typeof value === 'string' ? [value] : (value ?? [])) {
        try {
          safe.append(name, item);
        } catch {
          // A value the WHATWG rules refuse (undici's parser is more lenient): left out.
        }
      }
    }
    return safe;
  }
}

function state(response: unknown): BodyState {
  if (!(response instanceof HttpResponse)) {
    throw new TypeError('Illegal invocation: not a response of the breakwater HTTP client');
  }
  return response[kBody];
}

/** The body, read once: from the stream if one was made (so locks and reads are honoured). */
function consume(response: HttpResponse): Promise<Uint8Array> {
  const s = response[kBody];
  if (s.stream !== undefined) {
    let wrapped: Response;
    try {
      wrapped = new Response(s.stream);
    } catch (error) {
      // A stream already read from or locked: the platform's "body is unusable" TypeError.
      return Promise.reject(error);
    }
    return wrapped.arrayBuffer().then((buffer) => new Uint8Array(buffer));
  }
  if (s.used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
  s.used = true;
  return s.source.collect();
}

/** Runs `read` on the response's body; a receiver that is not ours rejects (as the platform does). */
function reading<T>(
  response: unknown,
  read: (bytes: Uint8Array, r: HttpResponse) => T,
): Promise<T> {
  try {
    state(response);
  } catch (error) {
    return Promise.reject(error);
  }
  const r = response as HttpResponse;
  return consume(r).then((bytes) => read(bytes, r));
}

// The members are defined on the prototype rather than in the class: the platform's types
// declare them as properties, which a TypeScript class cannot override with methods.
Object.defineProperties(HttpResponse.prototype, {
  headers: {
    configurable: true,
    enumerable: true,
    get(this: HttpResponse): Headers {
      const s = state(this);
      return (s.headers ??= toHeaders(s.parsed));
    },
  },
  body: {
    configurable: true,
    enumerable: true,
    get(this: HttpResponse): ReadableStream<Uint8Array> {
      const s = state(this);
      if (s.stream === undefined) {
        s.stream = s.used
          ? new ReadableStream<Uint8Array>({
              start(controller) {
                controller.close();
              },
            })
          : s.source.stream();
      }
      return s.stream;
    },
  },
  bodyUsed: {
    configurable: true,
    enumerable: true,
    get(this: HttpResponse): boolean {
      const s = state(this);
      return s.used || (s.stream !== undefined && isDisturbed(s.stream));
    },
  },
  text: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Promise<string> {
      return reading(this, (bytes) => decoder.decode(bytes));
    },
  },
  json: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Promise<unknown> {
      return reading(this, (bytes) => JSON.parse(decoder.decode(bytes)) as unknown);
    },
  },
  arrayBuffer: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Promise<ArrayBuffer> {
      // A copy: the received bytes may be a view into a larger buffer.
      return reading(this, (bytes) => new Uint8Array(bytes).buffer);
    },
  },
  bytes: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Promise<Uint8Array> {
      return reading(this, (bytes) => new Uint8Array(bytes));
    },
  },
  blob: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Promise<Blob> {
      return reading(
        this,
        (bytes, r) =>
          new Blob([new Uint8Array(bytes)], { type: r.headers.get('content-type') ?? '' }),
      );
    },
  },
  formData: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Promise<FormData> {
      // Parsing multipart bodies is the platform's job.
      const copy = reading(
        this,
        (bytes, r) => new Response(new Uint8Array(bytes), { headers: r.headers }),
      );
      return copy.then((response) => response.formData());
    },
  },
  clone: {
    configurable: true,
    writable: true,
    value(this: HttpResponse): Response {
      const s = state(this);
      if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
      const [mine, theirs] = (this.body as ReadableStream<Uint8Array>).tee();
      s.stream = mine;
      return new Response(theirs, {
        status: this.status,
        statusText: this.statusText,
        headers: new Headers(this.headers),
      });
    },
  },
});

/**
 * Frees the body of a response nobody will read (a retried attempt's): the client's own
 * responses drop what they hold and read the rest off the connection; others are cancelled.
 */
export function discardBody(response: unknown): Promise<void> | undefined {
  if (response instanceof HttpResponse) {
    const s = response[kBody];
    if (s.stream === undefined) {
      if (!s.used) {
        s.used = true;
        s.source.discard();
      }
      return undefined;
    }
    return s.stream.locked ? undefined : s.stream.cancel();
  }
  const body = (response as { body?: ReadableStream | null } | null)?.body;
  return body?.locked === false ? body.cancel() : undefined;
}
