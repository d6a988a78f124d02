// Customers of the gateway: `checkouts()` sends a number of `POST /checkout` requests with a
// fixed concurrency and times each one; `summarize()` turns them into counts and latencies. Used
// by the scenario in main.ts and by the example's test.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

/** One checkout as the customer saw it. */
export interface Checkout {
  /** HTTP status of the gateway's answer. */
  status: number;
  /** The answer's JSON body. */
  body: Record<string, unknown>;
  /** The answer's Retry-After header, if any. */
  retryAfter: string | null;
  /** From sending the request to having the whole answer, ms. */
  ms: number;
}

/** Counts and latencies of a batch of checkouts. Latencies are in whole ms. */
export interface Summary {
  count: number;
  /** Answered 201: order confirmed, payment charged. */
  confirmed: number;
  /** Answered 202: order accepted, payment pending. */
  pending: number;
  /** Answered 503 by the gateway. */
  unavailable: number;
  /** Answered otherwise. */
  other: number;
  /** How many answers gave each `reason` (pending and unavailable ones). */
  reasons: Record<string, number>;
  p50: number;
  /** Nearest-rank 99th percentile. */
  p99: number;
  max: number;
}

/** Options of {@link Customers.checkouts}. */
export interface CheckoutsOptions {
  /** Checkouts to send in all. */
  requests: number;
  /** Checkouts in flight at once. Default 4. */
  concurrency?: number;
}

/** Customers of one gateway, over a connection pool of their own. */
export class Customers {
  private readonly url: string;
  private readonly agent = new Agent({ keepAliveTimeout: 1_000 });
  private sent = 0;

  /** @param gatewayUrl base URL of the gateway */
  constructor(gatewayUrl: string) {
    this.url = `${gatewayUrl}/checkout`;
  }

  /** Sends one checkout and waits for the whole answer. */
  async checkout(): Promise<Checkout> {
    const n = ++this.sent;
    const started = performance.now();
    const res = await request(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: `book-${n}`, amount: 10 + (n % 7) }),
      dispatcher: this.agent,
    });
    const body = (await res.body.json()) as Record<string, unknown>;
    const retryAfter = res.headers['retry-after'];
    return {
      status: res.statusCode,
      body,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      ms: performance.now() - started,
    };
  }

  /** Sends `requests` checkouts, `concurrency` at a time; resolves with them in order of sending. */
  async checkouts({ requests, concurrency = 4 }: CheckoutsOptions): Promise<Checkout[]> {
    if (!Number.isInteger(requests) || requests < 0) {
      throw new RangeError(`requests must be an integer >= 0, got ${String(requests)}`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
    }
    const results: Checkout[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests) {
        const i = next++;
        results[i] = await this.checkout();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
    return results;
  }

  /** Closes the customers' connections. */
  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Counts answers by kind and reason, and the p50, p99 and max latency. */
export function summarize(checkouts: readonly Checkout[]): Summary {
  const sorted = checkouts.map((c) => c.ms).sort((a, b) => a - b);
  const rank = (p: number): number =>
    sorted.length === 0 ? 0 : Math.round(sorted[Math.ceil(p * sorted.length) - 1] ?? 0);
  const summary: Summary = {
    count: checkouts.length,
    confirmed: 0,
    pending: 0,
    unavailable: 0,
    other: 0,
    reasons: {},
    p50: rank(0.5),
    p99: rank(0.99),
    max: Math.round(sorted.at(-1) ?? 0),
  };
  for (const { status, body } of checkouts) {
    if (status === 201) summary.confirmed++;
    else if (status === 202) summary.pending++;
    else if (status === 503) summary.unavailable++;
    else summary.other++;
    if (typeof body.reason === 'string') {
      summary.reasons[body.reason] = (summary.reasons[body.reason] ?? 0) + 1;
    }
  }
  return summary;
}
