import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventStream } from './event-stream.js';
import type { DashboardTarget } from './fleet.js';
import { DashboardMonitor } from './monitor.js';
import { resolveDashboardOptions, type DashboardOptions } from './options.js';
import { pageScript, pageSecurityPolicy, renderPage } from './page.js';
import type { DashboardSnapshot } from './types.js';

/**
 * The dashboard as a plain Node request handler. It answers:
 * - `/` (and `/index.html`): the page, one self-contained HTML file;
 * - `/events`: a Server-Sent Events stream: a `snapshot` at once, an `update` every second, a
 *   `transition` as each happens, `cascade` when the fleet signal turns on or off (each of
 *   these two followed at once by an `update` taken after it, from which the page renders),
 *   and heartbeat comments;
 * - `/api/snapshot`: the full snapshot as JSON.
 *
 * Paths are those of `req.url`, which Express and most routers make relative to the mount path:
 * the page asks for `events` relative to its own URL, so mount it at a path ending in `/`. Any
 * other path gets 404, or goes to `next` when one is passed (Express style). Only GET and HEAD
 * are served (405 otherwise).
 */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** The full snapshot now (what `/api/snapshot` serves). */
  snapshot(): DashboardSnapshot;
  /** Event-stream clients connected now. */
  readonly clients: number;
  /** Ends every event stream and stops watching the breakers. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

type Route = 'page' | 'events' | 'snapshot';

const ROUTES: Record<string, Route> = {
  '': 'page',
  'index.html': 'page',
  events: 'events',
  'api/snapshot': 'snapshot',
};

/** The route of a request path, ignoring any mount prefix the app left in `req.url`. */
function route(url: string | undefined): Route | undefined {
  const path = (url ?? '/').split('?')[0] ?? '/';
  for (const [suffix, r] of Object.entries(ROUTES)) {
    if (path === `/${suffix}`) return r;
  }
  return undefined;
}

/**
 * Makes the dashboard handler for `target`: a breaker, an array of breakers, a `BreakerSource`
 * (such as `fromBreakers(...)`) or a `CircuitBreakerManager`, whose cascade signal it then shows
 * (other targets get one computed from `cascadeThreshold` / `cascadeMinimumOpen`).
 *
 * It starts watching the breakers at once, so the sparkline has history when the page is first
 * opened; while no page is connected it holds no timer. Call `close()` when done.
 *
 * @example
 * import { dashboard } from 'breakwater/dashboard';
 * const board = dashboard(manager, { title: 'checkout' });
 * http.createServer((req, res) => board(req, res)).listen(8080, '127.0.0.1');
 * @throws TypeError / RangeError naming a bad option and quoting its value
 */
export function dashboard(target: DashboardTarget, options?: DashboardOptions): DashboardHandler {
  const o = resolveDashboardOptions(options);
  const monitor = new DashboardMonitor(target, o);
  const script = pageScript();
  const page = Buffer.from(renderPage(o.title, script));
  const policy = pageSecurityPolicy(script);
  const stream = new EventStream({
    clock: o.clock,
    updateInterval: o.updateInterval,
    heartbeatInterval: o.heartbeatInterval,
    maxClients: o.maxClients,
    maxBuffered: o.maxBuffered,
    update: () => JSON.stringify(monitor.snapshot(false)),
  });
  monitor.listen({
    transition: (view) => {
      stream.broadcast('transition', JSON.stringify(view));
      stream.soon();
    },
    cascade: (view) => {
      stream.broadcast('cascade', JSON.stringify(view));
      stream.soon();
    },
  });
  let closed = false;

  const handler = (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (error?: unknown) => void,
  ): void => {
    const r = route(req.url);
    if (r === undefined) {
      if (next) {
        next();
        return;
      }
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', req.method === 'HEAD');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const head = req.method === 'HEAD';
    switch (r) {
      case 'page':
        send(res, 200, 'text/html; charset=utf-8', page, head, {
          'content-security-policy': policy,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        });
        return;
      case 'snapshot':
        send(
          res,
          200,
          'application/json; charset=utf-8',
          `${JSON.stringify(monitor.snapshot(true))}\n`,
          head,
        );
        return;
      case 'events':
        stream.open(req, res, () => snapshotPieces(monitor.snapshot(true)));
        return;
    }
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    stream.close();
    monitor.close();
  };
  const board = Object.assign(handler, {
    snapshot: () => monitor.snapshot(true),
    close,
    [Symbol.dispose]: close,
  });
  // A getter: Object.assign would copy today's count instead.
  Object.defineProperty(board, 'clients', { get: () => stream.size, enumerable: true });
  return board as typeof board & { readonly clients: number };
}

/** Bytes of JSON per piece of a chunked snapshot: big enough to keep writes few. */
const PIECE = 64 * 1024;

/**
 * A snapshot's JSON in pieces of about {@link PIECE} characters, cut between breakers: the
 * snapshot is taken at once, but its text is made as the reader takes it (10,000 breakers are
 * ~7 MB), never whole. The pieces joined by line feeds parse as the snapshot.
 */
export function* snapshotPieces(snapshot: DashboardSnapshot): Generator<string> {
  const { breakers, ...rest } = snapshot;
  let piece = `${JSON.stringify(rest).slice(0, -1)},"breakers":[`;
  for (let i = 0; i < breakers.length; i++) {
    piece += (i === 0 ? '' : ',') + JSON.stringify(breakers[i]);
    if (piece.length >= PIECE) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]}`;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  head: boolean,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(head ? undefined : body);
}
