import type { Agent } from 'undici';
import { parseRetryAfter } from '../../policies/retry-after.js';
import { AlertDeliveryError } from './alert.js';

// undici loads on the first delivery, so that importing the main entry does not load it.
let undici: Promise<typeof import('undici')> | undefined;

/**
 * Posts JSON bodies to one receiver over its own connection pool, so that closing the sink
 * closes its sockets and nothing else.
 */
export class JsonPoster {
  private agent: Agent | undefined;
  private closed = false;
  private readonly sink: string;
  private readonly headers: Record<string, string>;

  constructor(sink: string, headers: Record<string, string> = {}) {
    this.sink = sink;
    this.headers = headers;
  }

  /** POSTs `body` as JSON; resolves on 2xx, else throws an {@link AlertDeliveryError}. */
  async post(url: string, body: unknown, signal: AbortSignal): Promise<void> {
    let res;
    try {
      const { Agent: AgentClass, request } = await (undici ??= import('undici'));
      if (this.closed) throw new Error('sink closed');
      this.agent ??= new AgentClass({ keepAliveTimeout: 4000, connections: 2 });
      res = await request(url, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...this.headers },
        signal,
        dispatcher: this.agent,
      });
    } catch (error) {
      const why = signal.aborted
        ? 'timed out'
        : error instanceof Error
          ? error.message
          : String(error);
      throw new AlertDeliveryError(this.sink, `POST ${url} failed: ${why}`, {
        retryable: true,
        cause: error,
      });
    }
    const status = res.statusCode;
    // The body is read to the end so the connection can be reused.
    await res.body.dump().catch(() => undefined);
    if (status >= 200 && status < 300) return;
    const retryable = status >= 500 || status === 429 || status === 408;
    const header = res.headers['retry-after'];
    const retryAfter = parseRetryAfter(Array.isArray(header) ? header[0] : header, Date.now());
    throw new AlertDeliveryError(this.sink, `POST ${url} answered HTTP ${status}`, {
      status,
      retryable,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }

  /** Closes the pool; requests in flight are aborted. */
  async close(): Promise<void> {
    this.closed = true;
    await this.agent?.destroy();
  }
}
