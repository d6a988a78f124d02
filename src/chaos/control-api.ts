import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HostPort } from './address.js';
import { ChaosErrorCodes, FaultProxyError } from './errors.js';
import type { FaultProxy } from './fault-proxy.js';

/** The Toxiproxy version the control API answers `GET /version` with. */
export const TOXIPROXY_VERSION = '2.12.0';
const MAX_BODY = 1 << 20;

type Reply = { status: number; body?: unknown };
type Handler = (fp: FaultProxy, params: string[], body: () => Promise<unknown>) => Promise<Reply>;

const ok = (body: unknown): Reply => ({ status: 200, body });
const routes: [string, RegExp, Handler][] = [
  ['GET', /^\/version$/, () => Promise.resolve(ok({ version: TOXIPROXY_VERSION }))],
  ['GET', /^\/proxies$/, (fp) => Promise.resolve(ok(fp.list()))],
  [
    'POST',
    /^\/proxies$/,
    async (fp, _, body) => ({ status: 201, body: await fp.create(await body()) }),
  ],
  [
    'POST',
    /^\/populate$/,
    async (fp, _, body) => ({
      status: 201,
      body: { proxies: await fp.populate(await body()) },
    }),
  ],
  [
    'POST',
    /^\/reset$/,
    async (fp) => {
      await fp.reset();
      return { status: 204 };
    },
  ],
  ['GET', /^\/proxies\/([^/]+)$/, (fp, [p = '']) => Promise.resolve(ok(fp.get(p)))],
  [
    'POST',
    /^\/proxies\/([^/]+)$/,
    async (fp, [p = ''], body) => ok(await fp.update(p, await body())),
  ],
  [
    'DELETE',
    /^\/proxies\/([^/]+)$/,
    async (fp, [p = '']) => {
      await fp.delete(p);
      return { status: 204 };
    },
  ],
  ['GET', /^\/proxies\/([^/]+)\/toxics$/, (fp, [p = '']) => Promise.resolve(ok(fp.toxics(p)))],
  [
    'POST',
    /^\/proxies\/([^/]+)\/toxics$/,
    async (fp, [p = ''], body) => {
      const parsed = await body();
      return ok(fp.addToxic(p, parsed));
    },
  ],
  [
    'GET',
    /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
    (fp, [p = '', t = '']) => Promise.resolve(ok(fp.toxic(p, t))),
  ],
  [
    'POST',
    /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
    async (fp, [p = '', t = ''], body) => {
      const parsed = await body();
      return ok(fp.updateToxic(p, t, parsed));
    },
  ],
  [
    'DELETE',
    /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
    (fp, [p = '', t = '']) => {
      fp.removeToxic(p, t);
      return Promise.resolve({ status: 204 });
    },
  ],
];

/** Reads a JSON request body; an empty one is `{}` (Toxiproxy's clients post `/reset` bare). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      throw new FaultProxyError(`request body over ${MAX_BODY} bytes`, ChaosErrorCodes.badRequest);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FaultProxyError(
      `bad request body: ${(error as Error).message}`,
      ChaosErrorCodes.badRequest,
    );
  }
}

function send(res: ServerResponse, { status, body }: Reply): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

async function handle(fp: FaultProxy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '') || '/';
  const matching = routes.filter(([, pattern]) => pattern.test(path));
  const route = matching.find(([method]) => method === req.method);
  if (!route) {
    const status = matching.length > 0 ? 405 : 404;
    const error = status === 405 ? `method ${req.method ?? ''} not allowed` : 'not found';
    send(res, { status, body: { error, status } });
    req.resume();
    return;
  }
  const params = (route[1].exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
  try {
    send(res, await route[2](fp, params, () => readJson(req)));
  } catch (error) {
    const status = error instanceof FaultProxyError ? error.status : 500;
    send(res, { status, body: { error: (error as Error).message, status } });
  }
  req.resume();
}

/** Serves a {@link FaultProxy}'s control API with Toxiproxy's routes, replies and error shape. */
export async function serveControlApi(fp: FaultProxy, address: HostPort): Promise<Server> {
  const server = createServer((req, res) => {
    void handle(fp, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new FaultProxyError(
      `control API cannot listen on ${address.host}:${address.port}: ${(error as Error).message}`,
      ChaosErrorCodes.listen,
      '',
      { cause: error },
    );
  });
  return server;
}
