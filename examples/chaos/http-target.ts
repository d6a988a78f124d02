// The target of experiments/slow-dependency.yaml: a service whose `GET /` calls the `inventory`
// microservice over HTTP through the experiment's fault proxy, behind a breaker with a call
// timeout. Both run in this process here; in your system they are your services.
//   node --import tsx examples/chaos/http-target.ts   (then: breakwater chaos run experiments/slow-dependency.yaml)
import { createServer } from 'node:http';
import { request } from 'undici';
import { CircuitBreaker } from '../../src/index.js';
import { startTarget, type Target } from './target.js';

/** The inventory microservice: answers `{"stock": 3}` at once. */
export async function startInventory(port: number): Promise<Target> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"stock":3}');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** The service on `port`, calling inventory at `dependency` (the proxy's listen address). */
export function startHttpTarget(port: number, dependency: string): Promise<Target> {
  const breaker = new CircuitBreaker({
    name: 'inventory',
    timeout: 500,
    callTimeout: 1000,
    readyToTrip: (c) => c.consecutiveFailures >= 3,
  });
  return startTarget(port, breaker, async (signal) => {
    const res = await request(dependency, { signal });
    await res.body.dump();
    if (res.statusCode >= 500) throw new Error(`inventory answered ${res.statusCode}`);
  });
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await startInventory(17422);
  await startHttpTarget(17420, 'http://127.0.0.1:17421/');
  console.log('target on http://127.0.0.1:17420, inventory on 17422 (Ctrl-C stops)');
}
