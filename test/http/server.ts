// A real HTTP server on 127.0.0.1 for the HTTP client tests: one route per behaviour of a
// failing origin, a hit counter per path, and a count of the sockets it has seen open and close.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests received, by path (without the query). */
  readonly hits: Map<string, number>;
  /** Requests received on every path. */
  readonly total: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Connections closed so far. */
  readonly closed: number;
  /** Requests received on `path`. */
  hitsOf(path: string): number;
  /** True once the connection that carried the latest request on `path` has closed. */
  closedAfter(path: string): boolean;
  /**
   * For each request received on `path` since the server started, in order: whether the
   * connection that carried it has closed by now.
   */
  connectionsClosed(path: string): boolean[];
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * Routes (query parameters in brackets):
 * - `/ok` 200 "ok"; `/404`; `/500`; `/502`;
 * - `/503` 503 with `Retry-After: [after]` when given; `/429` likewise;
 * - `/hang`: never answers;
 * - `/reset`: resets the connection (RST) without answering;
 * - `/slow` 200 after [ms] (default 200);
 * - `/half`: 200 with `content-length: 100`, sends 50 bytes, then destroys the socket;
 * - `/big` 200 with [bytes] bytes (default 1 MiB) written in 16 KiB chunks;
 * - `/drip` 200 that sends a chunk, then nothing more until the connection closes;
 * - `/flaky` 503 for the first [fail] hits of its [key] (default 2), then 200;
 * - `/echo` 200 with `{ method, headers, body }` as JSON;
 * - `/cookies` 200 with two `set-cookie` headers and a form body;
 * - `/status` answers [code] (default 200) with a body of [bytes] bytes (default 0).
 */
export async function startServer(): Promise<TestServer> {
  const hits = new Map<string, number>();
  const flaky = new Map<string, number>();
  const sockets = new Set<Socket>();
  const gone = new WeakSet<Socket>();
  const lastSocket = new Map<string, Socket>();
  const served: { path: string; socket: Socket }[] = [];
  let total = 0;
  let connections = 0;
  let closed = 0;

  const route = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      case '/404':
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      case '/500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        return;
      case '/502':
        res.writeHead(502).end('bad gateway');
        return;
      case '/503':
      case '/429': {
        const after = q.get('after');
        res.writeHead(
          url.pathname === '/503' ? 503 : 429,
          after === null ? {} : { 'retry-after': after },
        );
        res.end('later');
        return;
      }
      case '/hang':
        return;
      case '/reset':
        req.socket.resetAndDestroy();
        return;
      case '/slow':
        setTimeout(
          () => {
            if (!res.destroyed) res.writeHead(200).end('slow');
          },
          Number(q.get('ms') ?? 200),
        );
        return;
      case '/half':
        res.writeHead(200, { 'content-length': '100' });
        res.write('x'.repeat(50), () => {
          setTimeout(() => res.socket?.destroy(), 20);
        });
        return;
      case '/big': {
        let left = Number(q.get('bytes') ?? 1024 * 1024);
        res.writeHead(200, { 'content-length': String(left) });
        const chunk = Buffer.alloc(16 * 1024, 'b');
        const pump = (): void => {
          while (left > 0) {
            const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= part.length;
            if (!res.write(part)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
        return;
      }
      case '/drip':
        res.writeHead(200);
        res.write('first chunk');
        return;
      case '/flaky': {
        const key = q.get('key') ?? '';
        const seen = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, seen);
        if (seen <= Number(q.get('fail') ?? 2)) res.writeHead(503).end('not yet');
        else res.writeHead(200).end(`ok after ${seen}`);
        return;
      }
      case '/echo': {
        const parts: Buffer[] = [];
        req.on('data', (c: Buffer) => parts.push(c));
        req.on('end', () => {
          const body = Buffer.concat(parts).toString();
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ method: req.method, headers: req.headers, body }));
        });
        return;
      }
      case '/cookies':
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res
          .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' })
          .end('x=1&y=two');
        return;
      case '/status': {
        const body = Buffer.alloc(Number(q.get('bytes') ?? 0), 's');
        res.writeHead(Number(q.get('code') ?? 200), { 'content-length': String(body.length) });
        res.end(body);
        return;
      }
      default:
        res.writeHead(400).end(`no route ${url.pathname}`);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    total++;
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    lastSocket.set(url.pathname, req.socket);
    served.push({ path: url.pathname, socket: req.socket });
    route(req, res, url);
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      closed++;
      gone.add(socket);
      sockets.delete(socket);
    });
  });
  // Resets and destroyed sockets are the point of several routes; their errors are expected.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    hits,
    get total() {
      return total;
    },
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    get closed() {
      return closed;
    },
    hitsOf: (path) => hits.get(path) ?? 0,
    closedAfter: (path) => {
      const socket = lastSocket.get(path);
      return socket !== undefined && gone.has(socket);
    },
    connectionsClosed: (path) =>
      served.filter((s) => s.path === path).map((s) => gone.has(s.socket)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Waits until `check()` is true, looking every 5 ms, for at most `ms` (real time: what is
 * awaited is a socket closing on the other side). Rejects naming `what` when time runs out.
 */
export async function until(what: string, check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return address.port;
}
