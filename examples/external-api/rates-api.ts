// A fake third-party API: exchange rates behind a rate limit, with outages on demand. It behaves
// like the real ones a service depends on: a token bucket answers 429 with a Retry-After (in
// seconds) once the caller goes over its quota, and `down()` makes it answer 503 until `up()`.
// It records when each request arrived and what it was told, so a test can check that the
// client kept to what the API asked.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Options of {@link start}. */
export interface RatesApiOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Requests allowed in a burst (the bucket's size), an integer >= 1. Default 3. */
  capacity?: number;
  /** Requests allowed per second once the burst is spent (> 0). Default 1. */
  refillPerSecond?: number;
}

/** One request as the API saw it. */
export interface Arrival {
  /** `performance.now()` when it arrived, ms. */
  at: number;
  path: string;
  status: number;
  /** For a 429: the Retry-After it was given, in seconds. */
  retryAfter?: number;
  /** For a 429: the earliest time (`performance.now()`, ms) it asked the caller to come back. */
  notBefore?: number;
}

/** A running fake rates API. */
export interface RatesApi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request so far, in order of arrival. */
  readonly log: readonly Arrival[];
  /** Requests received so far. */
  readonly requests: number;
  /** Starts an outage: every request is answered 503, without Retry-After. */
  down(): void;
  /** Ends the outage. */
  up(): void;
  /** Stops the API, dropping every connection. */
  close(): Promise<void>;
}

/** Euro exchange rates the API serves (they move a little with each answer). */
const BASE_RATES: Readonly<Record<string, number>> = {
  USD: 1.08,
  GBP: 0.85,
  JPY: 162.4,
  CHF: 0.96,
};

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts the fake API on 127.0.0.1. */
export async function start(options: RatesApiOptions = {}): Promise<RatesApi> {
  const { port = 0, capacity = 3, refillPerSecond = 1 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`rates API option port must be an integer 0..65535, got ${port}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`rates API option capacity must be an integer >= 1, got ${capacity}`);
  }
  if (!(refillPerSecond > 0 && Number.isFinite(refillPerSecond))) {
    throw new RangeError(
      `rates API option refillPerSecond must be a number > 0, got ${refillPerSecond}`,
    );
  }
  const log: Arrival[] = [];
  let tokens = capacity;
  let refilledAt = performance.now();
  let outage = false;
  let served = 0;

  /** Takes a token; when there is none, the whole seconds until there is one (at least 1). */
  const take = (now: number): number => {
    tokens = Math.min(capacity, tokens + ((now - refilledAt) / 1000) * refillPerSecond);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - tokens) / refillPerSecond));
  };

  const server = createServer((req, res) => {
    const at = performance.now();
    const path = req.url ?? '';
    const arrival: Arrival = { at, path, status: 0 };
    log.push(arrival);
    const answer = (status: number, body: unknown, headers = {}): void => {
      arrival.status = status;
      send(res, status, body, headers);
    };
    if (outage) {
      answer(503, { error: 'service unavailable' });
      return;
    }
    const wait = take(at);
    if (wait > 0) {
      arrival.retryAfter = wait;
      arrival.notBefore = at + wait * 1000;
      answer(429, { error: 'rate limit exceeded' }, { 'retry-after': String(wait) });
      return;
    }
    const match = /^\/v1\/rates\/([A-Z]{3})$/.exec(path);
    const base = match ? BASE_RATES[match[1] ?? ''] : undefined;
    if (req.method !== 'GET' || match === null || base === undefined) {
      answer(404, { error: `no rate at ${req.method ?? ''} ${path}` });
      return;
    }
    served++;
    const rate = Math.round(base * (1 + served / 1000) * 10_000) / 10_000;
    answer(200, { base: 'EUR', currency: match[1], rate, seq: served });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    get requests() {
      return log.length;
    },
    down() {
      outage = true;
    },
    up() {
      outage = false;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
