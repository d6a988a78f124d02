// A small HTTP service for chaos experiments: `GET /` makes one call to its dependency through
// a circuit breaker and answers 200, or 503 at once while the breaker refuses; `/metrics`
// serves breakwater's Prometheus series for that breaker (what `chaos run` scrapes).
import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { BreakerOpenError, type CircuitBreaker } from '../../src/index.js';
import { fromBreakers, registerMetrics } from '../../src/observability/prometheus/index.js';

/** A running target service. */
export interface Target {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `call` behind `breaker` on 127.0.0.1:`port` (0 picks one).
 * @param call the dependency call; it gets the breaker's signal (aborted by `callTimeout`)
 */
export async function startTarget(
  port: number,
  breaker: CircuitBreaker,
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<Target> {
  const registry = new Registry();
  const metrics = registerMetrics(fromBreakers(breaker), { registry });
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      });
      return;
    }
    breaker.execute(call).then(
      () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'),
      (error: unknown) => {
        const open = error instanceof BreakerOpenError;
        res
          .writeHead(503, { 'content-type': 'text/plain' })
          .end(open ? 'circuit open\n' : 'failed\n');
      },
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      metrics.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
