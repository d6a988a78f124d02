import type { Readable } from 'node:stream';
import { quote, suggest } from '../core/options.js';

/** Request headers: a `Headers`, a record of names to values, or `[name, value]` pairs. */
export type HttpHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[]>>
  | Iterable<readonly [string, string]>;

/**
 * A request body. Strings, bytes, `URLSearchParams` and `Blob`s can be sent again, so requests
 * with them may be retried; a stream (web `ReadableStream`, node `Readable`, async iterable) is
 * read once, so a request with one is never retried.
 */
export type HttpBody =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | URLSearchParams
  | Blob
  | ReadableStream<Uint8Array>
  | Readable
  | AsyncIterable<Uint8Array | string>;

/** The second argument of `request` and `get`. Durations are milliseconds. */
export interface HttpRequestInit {
  /** Default `'GET'`. The standard methods are upper-cased (`'post'` -> `'POST'`), as fetch does. */
  method?: string;
  headers?: HttpHeaders;
  /** Default none. GET and HEAD requests cannot have one. */
  body?: HttpBody | null;
  /**
   * Aborting it rejects the call with its reason at once and closes the request's connection.
   * Before a response status arrives, the abort is recorded as excluded (it says nothing about
   * the origin).
   */
  signal?: AbortSignal | null;
  /**
   * Overrides the client's `timeout` for this request (each attempt): ms > 0, or `Infinity` for
   * none.
   */
  timeout?: number;
  /**
   * Whether this request may be sent more than once (retried when the client has `retry`).
   * Default: true for GET, HEAD, PUT, DELETE and OPTIONS, and for other methods when the client
   * has `retryNonIdempotent`. A body that is a stream is never sent twice.
   */
  idempotent?: boolean;
}

/**
 * Headers as undici's `dispatch` takes them: a record, an iterable of pairs (a `Headers`), or
 * a flat `[name, value, name, value]` list (what arrays of pairs become).
 */
export type DispatchHeaders =
  | Readonly<Record<string, string | readonly string[]>>
  | Iterable<readonly [string, string]>
  | string[];

/** What undici's `dispatch` takes as a body. */
export type DispatchBody = string | Uint8Array | Blob | Readable | AsyncIterable<unknown>;

/** A request after validation, ready for any number of attempts. */
export interface PreparedRequest {
  /** The URL as a string, for the `Request` given to `fallback`. */
  readonly href: string;
  /** `new URL(url).origin`: the name of the breaker. */
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: string;
  readonly headers: DispatchHeaders | undefined;
  readonly body: DispatchBody | undefined;
  /** False for stream bodies: they can be sent once only. */
  readonly replayable: boolean;
  readonly signal: AbortSignal | undefined;
  /** `undefined`: the client's default. `Infinity`: none. */
  readonly timeout: number | undefined;
  /** The `idempotent` init option as given. */
  readonly idempotent: boolean | undefined;
}

const INIT_KEYS = ['method', 'headers', 'body', 'signal', 'timeout', 'idempotent'] as const;

/** Methods fetch upper-cases whatever their case. */
const NORMALIZED = new Map(
  ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].map((m) => [m.toLowerCase(), m]),
);
/** Methods fetch refuses. */
const FORBIDDEN = new Set(['CONNECT', 'TRACE', 'TRACK']);
/** Methods that may be sent twice without changing the outcome (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The largest delay `setTimeout` honours (2^31 - 1 ms). */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** True for a method that is idempotent by definition (GET, HEAD, PUT, DELETE, OPTIONS). */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * Validates a timeout option: a number of ms > 0 and <= 2^31 - 1, or Infinity for none.
 * @param where names the option in the error (`'ResilientHttpClient option timeout'`)
 */
export function checkTimeout(where: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where} must be a number of ms, got ${quote(value)}`);
  }
  if (!(value > 0 && (value <= MAX_TIMEOUT || value === Infinity))) {
    throw new RangeError(
      `${where} must be > 0 and <= ${MAX_TIMEOUT} ms (or Infinity for none), got ${quote(value)}`,
    );
  }
  return value;
}

/** Parses the URL: a TypeError that quotes it unless it is an absolute http(s) URL. */
export function parseUrl(url: unknown): URL {
  if (url instanceof URL) {
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    throw new TypeError(`url must be an http: or https: URL, got ${quote(url.href)}`);
  }
  if (typeof url !== 'string') {
    throw new TypeError(`url must be a string or a URL, got ${quote(url)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(`invalid URL ${quote(url)}: an absolute http(s) URL is needed`, {
      cause: error,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`url must be an http: or https: URL, got ${quote(url)}`);
  }
  return parsed;
}

/** The parts of a URL a request needs. */
interface Target {
  readonly href: string;
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
}

/**
 * URL strings parsed lately. A client calls the same few URLs over and over, and parsing one
 * costs about 1% of a loopback request; the cache is bounded and simply cleared when full.
 */
const targets = new Map<string, Target>();
const TARGET_CACHE_SIZE = 512;

function targetOf(url: unknown): Target {
  if (typeof url === 'string') {
    const hit = targets.get(url);
    if (hit !== undefined) return hit;
  }
  const parsed = parseUrl(url);
  const target: Target = {
    href: parsed.href,
    origin: parsed.origin,
    path: parsed.pathname + parsed.search,
  };
  if (typeof url === 'string') {
    if (targets.size >= TARGET_CACHE_SIZE) targets.clear();
    targets.set(url, target);
  }
  return target;
}

function normalizeMethod(value: unknown): string {
  if (value === undefined) return 'GET';
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new TypeError(`init.method must be an HTTP method name, got ${quote(value)}`);
  }
  const method = NORMALIZED.get(value.toLowerCase()) ?? value;
  if (FORBIDDEN.has(method.toUpperCase())) {
    throw new TypeError(`init.method ${quote(value)} is not supported`);
  }
  return method;
}

function isIterable(value: object): value is Iterable<unknown> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function checkHeaders(value: unknown): DispatchHeaders | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') {
    throw new TypeError(
      `init.headers must be a Headers, a record or [name, value] pairs, got ${quote(value)}`,
    );
  }
  if (!Array.isArray(value)) return value as DispatchHeaders;
  // undici reads an array as a flat [name, value, name, value] list: pairs are flattened.
  const flat: string[] = [];
  for (const pair of value as unknown[]) {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      throw new TypeError(
        `init.headers pairs must each be [name, value] strings, got ${quote(pair)}`,
      );
    }
    flat.push(pair[0], pair[1]);
  }
  return flat;
}

/** True when `headers` (in any accepted form) has a header `name` (lower-case). */
function hasHeader(headers: DispatchHeaders, name: string): boolean {
  if (headers instanceof Headers) return headers.has(name);
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      if ((headers[i] as string).toLowerCase() === name) return true;
    }
    return false;
  }
  if (isIterable(headers)) {
    for (const pair of headers as Iterable<readonly [string, string]>) {
      if (pair[0].toLowerCase() === name) return true;
    }
    return false;
  }
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** `headers` plus `name: value` when it has no such header, as a flat [name, value, ...] list. */
function withDefaultHeader(
  headers: DispatchHeaders | undefined,
  name: string,
  value: string,
): DispatchHeaders {
  if (headers === undefined) return [name, value];
  if (hasHeader(headers, name)) return headers;
  const flat: string[] = [];
  if (Array.isArray(headers)) flat.push(...headers);
  else if (headers instanceof Headers || isIterable(headers)) {
    for (const [k, v] of headers as Iterable<readonly [string, string]>) flat.push(k, v);
  } else {
    for (const [k, v] of Object.entries(headers)) {
      if (Array.isArray(v)) for (const item of v as string[]) flat.push(k, item);
      else flat.push(k, String(v));
    }
  }
  flat.push(name, value);
  return flat;
}

interface Body {
  body: DispatchBody | undefined;
  replayable: boolean;
  contentType: string | undefined;
}

function checkBody(value: unknown): Body {
  if (value === undefined || value === null) {
    return { body: undefined, replayable: true, contentType: undefined };
  }
  if (typeof value === 'string') return { body: value, replayable: true, contentType: undefined };
  if (value instanceof Uint8Array) {
    return { body: value, replayable: true, contentType: undefined };
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { body: bytes, replayable: true, contentType: undefined };
  }
  if (value instanceof ArrayBuffer) {
    return { body: new Uint8Array(value), replayable: true, contentType: undefined };
  }
  if (value instanceof URLSearchParams) {
    return {
      body: value.toString(),
      replayable: true,
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    };
  }
  if (value instanceof Blob) {
    return { body: value, replayable: true, contentType: value.type || undefined };
  }
  if (
    typeof value === 'object' &&
    (typeof (value as { pipe?: unknown }).pipe === 'function' ||
      typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function')
  ) {
    return { body: value as DispatchBody, replayable: false, contentType: undefined };
  }
  throw new TypeError(
    'init.body must be a string, ArrayBuffer, typed array, URLSearchParams, Blob, ReadableStream, ' +
      `Readable or async iterable, got ${quote(value)}`,
  );
}

/**
 * Validates `url` and `init` and prepares the request. Throws a TypeError or RangeError naming
 * the field and quoting the bad value.
 */
export function prepareRequest(url: unknown, init: unknown): PreparedRequest {
  const target = targetOf(url);
  if (init === undefined || init === null) {
    return {
      href: target.href,
      origin: target.origin,
      path: target.path,
      method: 'GET',
      headers: undefined,
      body: undefined,
      replayable: true,
      signal: undefined,
      timeout: undefined,
      idempotent: undefined,
    };
  }
  if (typeof init !== 'object' || Array.isArray(init)) {
    throw new TypeError(`init must be an object, got ${quote(init)}`);
  }
  const o = init as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(INIT_KEYS as readonly string[]).includes(key)) {
      const hint = suggest(key, INIT_KEYS);
      throw new TypeError(
        `unknown request init option ${key}${hint ? ` (did you mean ${hint}?)` : ''}`,
      );
    }
  }
  const method = normalizeMethod(o.method);
  let headers = checkHeaders(o.headers);
  const { body, replayable, contentType } = checkBody(o.body);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError(`a ${method} request cannot have a body (init.body)`);
  }
  if (contentType !== undefined) headers = withDefaultHeader(headers, 'content-type', contentType);
  const signal = o.signal ?? undefined;
  if (
    signal !== undefined &&
    (typeof signal !== 'object' ||
      typeof (signal as Partial<AbortSignal>).aborted !== 'boolean' ||
      typeof (signal as Partial<AbortSignal>).addEventListener !== 'function')
  ) {
    throw new TypeError(`init.signal must be an AbortSignal, got ${quote(signal)}`);
  }
  const timeout = o.timeout === undefined ? undefined : checkTimeout('init.timeout', o.timeout);
  const idempotent = o.idempotent;
  if (idempotent !== undefined && typeof idempotent !== 'boolean') {
    throw new TypeError(`init.idempotent must be a boolean, got ${quote(idempotent)}`);
  }
  return {
    href: target.href,
    origin: target.origin,
    path: target.path,
    method,
    headers,
    body,
    replayable,
    signal: signal as AbortSignal | undefined,
    timeout,
    idempotent,
  };
}

/**
 * The request as a WHATWG `Request`, for `fallback`. A stream body (already read) and the
 * signal are left out.
 */
export function toRequest(prepared: PreparedRequest): Request {
  const init: RequestInit = { method: prepared.method };
  const headers = prepared.headers;
  if (headers !== undefined) {
    if (Array.isArray(headers)) {
      const pairs: [string, string][] = [];
      for (let i = 0; i + 1 < headers.length; i += 2) {
        pairs.push([headers[i] as string, headers[i + 1] as string]);
      }
      init.headers = pairs;
    } else init.headers = headers as RequestInit['headers'];
  }
  if (prepared.replayable && prepared.body !== undefined) {
    init.body = prepared.body as RequestInit['body'];
  }
  // The caller's signal is left out: a Request follows its signal with a listener of its own,
  // which would pile up on a signal shared by many calls.
  return new Request(prepared.href, init);
}
