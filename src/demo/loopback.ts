import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { ResilientHttpClient } from '../http/client.js';
import { DependencyError, type SimulatedDependency } from './dependency.js';
import type { DependencyClient } from './transport.js';

/** The header that tells the client which phase a failing dependency was in. */
const PHASE_HEADER = 'x-demo-phase';

/**
 * A simulated dependency behind a real HTTP server on a loopback port: `GET /call` makes one
 * call and answers 200 with its text, or 503 when it fails; a call that hangs keeps the request
 * waiting until the client gives up and closes the connection, which cancels it.
 */
export class LoopbackDependency {
  readonly dependency: SimulatedDependency;
  private readonly server: Server;
  private readonly host: string;
  private address: string | undefined;

  /** @param host the interface to listen on. Default `127.0.0.1`. */
  constructor(dependency: SimulatedDependency, host = '127.0.0.1') {
    this.dependency = dependency;
    this.host = host;
    this.server = createServer((req, res) => {
      this.handle(req, res);
    });
  }

  /** `http://127.0.0.1:<port>` once listening. @throws Error before {@link listen} resolved */
  get origin(): string {
    if (this.address === undefined) {
      throw new Error(`the ${this.dependency.name} server is not listening yet`);
    }
    return this.address;
  }

  /** Listens on a free port of the host. */
  async listen(): Promise<void> {
    this.server.listen(0, this.host);
    await once(this.server, 'listening');
    const { port } = this.server.address() as AddressInfo;
    this.address = `http://${this.host}:${port}`;
  }

  /** Stops listening and drops every connection (calls in flight are cancelled). */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/ping' && req.method === 'GET') {
      res.writeHead(204).end();
      return;
    }
    if (req.url !== '/call' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    // The client closing the connection (its call timed out, or the demo stopped) cancels.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the client went away'));
    });
    this.dependency.call(gone.signal).then(
      (text) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      },
      (error: unknown) => {
        if (gone.signal.aborted) return;
        const phase = error instanceof DependencyError ? error.phase : 'unknown';
        res.writeHead(503, { 'content-type': 'text/plain', [PHASE_HEADER]: phase });
        res.end(error instanceof Error ? error.message : String(error));
      },
    );
  }
}

/**
 * Calls a {@link LoopbackDependency} over HTTP with breakwater's `ResilientHttpClient`, through
 * `agent` (so the demo can close its connections when it stops). The demo's breakers are the
 * manager's, one per service by name, and the scenario calls through them; the client is the
 * transport here (keep-alive pool, an aborted call closes its connection), and its own
 * per-origin breaker never trips, so each call is decided once, by the service's breaker.
 * 5xx and 429 answers become a DependencyError, as the client classifies them.
 */
export class HttpDependencyClient implements DependencyClient {
  private readonly target: LoopbackDependency;
  private readonly agent: Agent;
  private readonly http: ResilientHttpClient;

  constructor(target: LoopbackDependency, agent: Agent) {
    this.target = target;
    this.agent = agent;
    this.http = new ResilientHttpClient({
      dispatcher: agent,
      breaker: { readyToTrip: () => false },
    });
  }

  get via(): string {
    return this.target.origin;
  }

  async call(signal: AbortSignal): Promise<string> {
    const res = await this.http.get(`${this.target.origin}/call`, { signal });
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) {
      throw new DependencyError(
        this.target.dependency.name,
        res.headers.get(PHASE_HEADER) ?? 'unknown',
        res.status,
      );
    }
    return text;
  }

  /**
   * Opens `connections` keep-alive connections and runs a request through each, so the first
   * calls of the demo do not pay for connecting and for code not yet compiled.
   */
  async warmUp(connections = 4): Promise<void> {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const res = await request(`${this.target.origin}/ping`, { dispatcher: this.agent });
        await res.body.dump();
      }),
    );
  }
}
