// An HTTP-date starts with a day name in all three of its forms (IMF-fixdate, RFC 850, asctime);
// requiring one keeps Date.parse's leniency ("1.5" parses as a date) out.
const HTTP_DATE = /^[A-Za-z]{3,9},? /;
const DELAY_SECONDS = /^\d+$/;
// asctime carries no zone; HTTP means GMT, while Date.parse would read it as local time.
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d\d:\d\d:\d\d \d{4}$/;

/**
 * Parses a `Retry-After` header value (RFC 9110 §10.2.3) into a wait in ms: either
 * delay-seconds (`"120"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`, measured from
 * `now`, never negative). Anything else, `null` and `undefined` give `undefined`.
 *
 * @param now the current time in ms since the Unix epoch (for HTTP-dates). Default `Date.now()`.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Statuses whose `Retry-After` asks a client to come back later. */
const RETRY_STATUSES = new Set([429, 503]);

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  // Plain header records (undici's `request`, node:http, axios) use lower-case keys.
  const value: unknown = (headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function fromResponse(value: object, now: number): number | undefined {
  const r = value as { status?: unknown; statusCode?: unknown; headers?: unknown };
  const status = typeof r.status === 'number' ? r.status : r.statusCode;
  if (typeof status !== 'number' || !RETRY_STATUSES.has(status)) return undefined;
  return parseRetryAfter(header(r.headers, 'retry-after'), now);
}

/**
 * The wait a 429 or 503 response asks for through `Retry-After`, in ms, or `undefined`. Accepts a
 * WHATWG `Response`, anything shaped like one (`status` or `statusCode`, and `headers` as a
 * `Headers` or a plain record), or an error that carries one as `response` (as HTTP client
 * errors do) or has `status`/`statusCode` and `headers` itself. The default `retryAfter` of
 * `retry`.
 *
 * @param now the current time in ms since the Unix epoch (for HTTP-dates). Default `Date.now()`.
 */
export function retryAfterFrom(outcome: unknown, now: number = Date.now()): number | undefined {
  if (typeof outcome !== 'object' || outcome === null) return undefined;
  const own = fromResponse(outcome, now);
  if (own !== undefined) return own;
  const response = (outcome as { response?: unknown }).response;
  if (typeof response !== 'object' || response === null) return undefined;
  return fromResponse(response, now);
}
