// A client of a third-party rates API that is rate-limited and sometimes down, built on
// ResilientHttpClient:
// - retries, few of them: 3 attempts at most, within a retry budget (a third party's quota is
//   not ours to burn), waiting what a 429's or 503's Retry-After asks when that fits `maxDelay`;
// - a breaker on the API's origin, so an outage is not hammered;
// - the last good answer, cached and marked stale, when the API cannot give a fresh one.
import {
  exponentialBackoff,
  retryBudget,
  type CircuitBreaker,
  type DefaultServiceOptions,
  type GiveUpEvent,
  type RetryBudget,
  type RetryEvent,
} from '../../src/index.js';
import { ResilientHttpClient } from '../../src/http/index.js';

/** A rate, fresh from the API or the last good one (`stale`). */
export interface Quote {
  base: string;
  currency: string;
  rate: number;
  /** The API's number for the answer: a stale quote has the seq of the answer it repeats. */
  seq: number;
  /** True when the API could not answer and this is the last good answer. */
  stale: boolean;
  /** For a stale quote: ms since the answer it repeats arrived. 0 for a fresh one. */
  ageMs: number;
}

/** The API could not answer and there was no earlier answer to fall back on. */
export class RatesUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RatesUnavailableError';
  }
}

/** Options of {@link createRatesClient}. Durations are ms. */
export interface RatesClientOptions {
  /** Base URL of the rates API (`https://rates.example.com`). Required. */
  baseUrl: string;
  /**
   * Breaker options for the API's origin. Default `{ consecutiveFailures: 5, timeout: 1500 }`.
   * Keep its `timeout` above the retries' `maxDelay` (1200): then a retry never sits waiting
   * for the circuit to half-open, and a call during an outage gets the cached answer at once.
   */
  breaker?: DefaultServiceOptions;
  /**
   * The retry budget. Default `retryBudget({ ratio: 0.1, minRetriesPerSecond: 0.2 })`: retries
   * add at most 10 % to the calls, plus 2 in any 10 s.
   */
  budget?: RetryBudget;
  /** Called before each retry's wait. */
  onRetry?: (event: RetryEvent) => void;
  /** Called when a call gives up retrying (its last attempt failed). */
  onGiveUp?: (event: GiveUpEvent) => void;
}

/** A client of the rates API; see {@link createRatesClient}. */
export interface RatesClient {
  /** The rate of the euro in `currency` (3 capital letters): fresh, or the cached one. */
  rate(currency: string): Promise<Quote>;
  /** The HTTP client underneath. */
  readonly http: ResilientHttpClient;
  /** The breaker of the API's origin. */
  readonly breaker: CircuitBreaker;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

interface Cached {
  body: Omit<Quote, 'stale' | 'ageMs'>;
  /** `Date.now()` when it arrived. */
  at: number;
}

/** Marks a response the fallback made from the cache. */
const STALE_HEADER = 'x-cache';

function parseQuote(body: unknown, url: string): Omit<Quote, 'stale' | 'ageMs'> {
  const b = body as Partial<Quote> | null;
  if (
    typeof b?.base !== 'string' ||
    typeof b.currency !== 'string' ||
    typeof b.rate !== 'number' ||
    typeof b.seq !== 'number'
  ) {
    throw new RatesUnavailableError(`${url} answered an unexpected body: ${JSON.stringify(body)}`);
  }
  return { base: b.base, currency: b.currency, rate: b.rate, seq: b.seq };
}

/** Makes a client of the rates API at `baseUrl`. */
export function createRatesClient(options: RatesClientOptions): RatesClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const cache = new Map<string, Cached>();
  const staleQuote = (url: string): Quote | undefined => {
    const hit = cache.get(url);
    return hit && { ...hit.body, stale: true, ageMs: Date.now() - hit.at };
  };

  const http = new ResilientHttpClient({
    timeout: 1_000,
    breaker: options.breaker ?? { consecutiveFailures: 5, timeout: 1_500 },
    retry: {
      maxAttempts: 3,
      backoff: exponentialBackoff({ initial: 50, max: 400, jitter: 'none' }),
      // Retry-After up to 1.2 s is waited; a longer one ends the retries (the cache answers).
      maxDelay: 1_200,
      budget: options.budget ?? retryBudget({ ratio: 0.1, minRetriesPerSecond: 0.2 }),
      ...(options.onRetry && { onRetry: options.onRetry }),
      ...(options.onGiveUp && { onGiveUp: options.onGiveUp }),
    },
    // The circuit is open or the request failed (timeout, connection refused): the last good
    // answer, if there is one. (A final 429 or 5xx response comes back as it is; see `rate`.)
    fallback: (request) => {
      const quote = staleQuote(request.url);
      return quote && Response.json(quote, { headers: { [STALE_HEADER]: 'stale' } });
    },
  });

  return {
    http,
    get breaker() {
      return http.breakerFor(base.origin);
    },
    async rate(currency) {
      if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
        throw new TypeError(`currency must be 3 capital letters, got ${JSON.stringify(currency)}`);
      }
      const url = new URL(`v1/rates/${currency}`, base).href;
      let res: Response;
      try {
        res = await http.get(url);
      } catch (error) {
        throw new RatesUnavailableError(`no rate for ${currency}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (res.headers.get(STALE_HEADER) === 'stale') return (await res.json()) as Quote;
      if (res.ok) {
        const body = parseQuote(await res.json(), url);
        cache.set(url, { body, at: Date.now() });
        return { ...body, stale: false, ageMs: 0 };
      }
      await res.body?.cancel();
      // Retries spent (or not allowed) on a 429 or 5xx: the cached answer too.
      const stale = res.status === 429 || res.status >= 500 ? staleQuote(url) : undefined;
      if (stale) return stale;
      throw new RatesUnavailableError(`no rate for ${currency}: the API answered ${res.status}`);
    },
    close: () => http.close(),
  };
}
