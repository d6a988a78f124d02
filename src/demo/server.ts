import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { dashboard, type DashboardHandler } from '../dashboard/index.js';
import type { DashboardTarget } from '../dashboard/fleet.js';
import { livez, readyz, type HealthHandler } from '../observability/health/index.js';
import type { BreakerSource } from '../manager/source.js';
import { startMetrics, type MetricsEndpoint } from './metrics.js';

/** Options of {@link DemoServer.start}. */
export interface DemoServerOptions {
  /** Interface to listen on. Default `127.0.0.1`: nothing outside this machine sees it. */
  host?: string;
  /** Port; 0 picks a free one. Default 8080. */
  port?: number;
  /** When `port` is taken, listen on a free port instead of failing. Default false. */
  fallback?: boolean;
  /** What the dashboard shows (a manager shows its own cascade signal). */
  target: DashboardTarget;
  /** The breakers, for `/metrics` and `/readyz`. */
  source: BreakerSource;
  /** The dashboard's line under each breaker's name. */
  describe?: (breaker: CircuitBreaker) => string | undefined;
  /** Page title. Default `'breakwater demo'`. */
  title?: string;
  /** The manager's cascade settings, to label the dashboard's meter. */
  cascade?: { threshold: number; minimumOpen: number };
  /** Serve `/metrics` (needs prom-client; without it `/metrics` answers 503). Default true. */
  metrics?: boolean;
}

/** The paths the demo server answers, in the order the help lists them. */
export const demoPaths = ['/', '/metrics', '/livez', '/readyz'] as const;

/** `http://host:port/` with an IPv6 host in brackets, and a wildcard host shown as loopback. */
export function serverUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

/** What `/metrics` answers when prom-client (an optional peer dependency) is not installed. */
export const METRICS_MISSING = 'metrics need prom-client: npm install prom-client\n';

/**
 * The demo's one HTTP server: the dashboard at `/` (with `/events` and `/api/snapshot`),
 * Prometheus metrics at `/metrics` (a prom-client Registry of its own; 503 when prom-client is
 * not installed), and the health probes `/livez` and `/readyz`. Nothing else is served (404).
 */
export class DemoServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** True when the asked port was taken and a free one was used instead. */
  readonly fellBack: boolean;
  readonly dashboard: DashboardHandler;
  /** False when prom-client is not installed: `/metrics` then answers 503. */
  readonly hasMetrics: boolean;
  private readonly server: Server;
  private readonly metrics: MetricsEndpoint | undefined;

  private constructor(parts: {
    server: Server;
    url: string;
    port: number;
    fellBack: boolean;
    dashboard: DashboardHandler;
    metrics: MetricsEndpoint | undefined;
  }) {
    this.server = parts.server;
    this.url = parts.url;
    this.port = parts.port;
    this.fellBack = parts.fellBack;
    this.dashboard = parts.dashboard;
    this.metrics = parts.metrics;
    this.hasMetrics = parts.metrics !== undefined;
  }

  /**
   * Starts listening.
   * @throws (rejects) the listen error (EADDRINUSE, EACCES, ...) unless `fallback` applies
   */
  static async start(options: DemoServerOptions): Promise<DemoServer> {
    const { host = '127.0.0.1', port = 8080, fallback = false } = options;
    const metrics = options.metrics === false ? undefined : await startMetrics(options.source);
    const board = dashboard(options.target, {
      title: options.title ?? 'breakwater demo',
      ...(options.describe ? { describe: options.describe } : {}),
      ...(options.cascade
        ? {
            cascadeThreshold: options.cascade.threshold,
            cascadeMinimumOpen: options.cascade.minimumOpen,
          }
        : {}),
      links: [
        { label: 'metrics', href: 'metrics' },
        { label: 'livez', href: 'livez?verbose' },
        { label: 'readyz', href: 'readyz?verbose' },
        { label: 'snapshot JSON', href: 'api/snapshot' },
      ],
    });
    const live = livez();
    const ready = readyz(options.source);
    const server = createServer((req, res) => {
      route(req, res, { board, live, ready, metrics });
    });
    try {
      let fellBack = false;
      try {
        await listen(server, port, host);
      } catch (error) {
        if (!fallback || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        fellBack = true;
        await listen(server, 0, host);
      }
      const actual = (server.address() as AddressInfo).port;
      return new DemoServer({
        server,
        url: serverUrl(host, actual),
        port: actual,
        fellBack,
        dashboard: board,
        metrics,
      });
    } catch (error) {
      board.close();
      metrics?.close();
      throw error;
    }
  }

  /** Ends the dashboard's event streams, closes every connection and stops listening. */
  async close(): Promise<void> {
    this.dashboard.close();
    this.metrics?.close();
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }
}

async function listen(server: Server, port: number, host: string): Promise<void> {
  const listening = once(server, 'listening');
  server.listen(port, host);
  // `once` rejects on 'error', so a taken port surfaces here.
  await listening;
}

function route(
  req: IncomingMessage,
  res: ServerResponse,
  h: {
    board: DashboardHandler;
    live: HealthHandler;
    ready: HealthHandler;
    metrics: MetricsEndpoint | undefined;
  },
): void {
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/livez':
      h.live(req, res);
      return;
    case '/readyz':
      h.ready(req, res);
      return;
    case '/metrics':
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
        res.end('method not allowed\n');
        return;
      }
      if (!h.metrics) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(METRICS_MISSING);
        return;
      }
      h.metrics.text().then(
        (text) => {
          res.writeHead(200, {
            'content-type': h.metrics?.contentType ?? 'text/plain',
            'cache-control': 'no-store',
          });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
        },
      );
      return;
    default:
      h.board(req, res);
  }
}
