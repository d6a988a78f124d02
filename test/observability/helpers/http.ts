// Loopback HTTP helpers for the observability tests: a server on 127.0.0.1 with an ephemeral
// port that closes every connection on close, and a small request function.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started server and its base URL. */
export interface TestServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts `listener` on 127.0.0.1, on a port the OS picks. */
export async function listen(listener: RequestListener): Promise<TestServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** What {@link request} resolves to. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** One request with fetch, bounded to 5 s. */
export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
