// An HTTP client with a circuit breaker per origin, retries and a fallback.
//   node --import tsx examples/http/resilient-client.ts
// It starts a small local price API that fails on demand. In an application the import is
// `from 'breakwater/http'`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { BreakerOpenError, ResilientHttpClient } from '../../src/http/index.js';

let down = false;
let flaky = 2;
let requests = 0;
const api = createServer((req, res) => {
  requests++;
  if (req.url === '/flaky' && flaky-- > 0) {
    res.writeHead(503, { 'retry-after': '0' }).end();
  } else if (down) {
    res.writeHead(503).end('down');
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"price":42}');
  }
});
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

const client = new ResilientHttpClient({
  timeout: 1_000,
  breaker: { consecutiveFailures: 3, timeout: 200 },
  // Waits longer than maxDelay are not worth it here: an open circuit is not waited out.
  retry: { maxAttempts: 3, backoff: 10, maxDelay: 100 },
  // While the price API is unavailable, answer with the last price we know.
  fallback: (_request, error) =>
    error instanceof BreakerOpenError ? Response.json({ price: 40, cached: true }) : undefined,
});
client.breakerFor(origin).onTransition((e) => {
  console.log(`breaker: ${e.from} -> ${e.to}`);
});

async function quote(label: string, path = '/quote'): Promise<void> {
  const before = requests;
  const res = await client.get(origin + path);
  console.log(`${label}: ${res.status} ${await res.text()} (${requests - before} requests sent)`);
}

try {
  await quote('flaky quote', '/flaky'); // two 503s, retried
  down = true;
  await quote('quote while down'); // three 503s open the circuit; the last one is returned
  await quote('quote while open'); // the fallback answers, nothing is sent
  down = false;
  await new Promise((resolve) => setTimeout(resolve, 250));
  await quote('quote after recovery'); // a probe in half-open closes the circuit

  // Code that uses undici or fetch gets the same breakers through the interceptor.
  const agent = new Agent().compose(client.interceptor);
  const res = await fetch(`${origin}/quote`, { dispatcher: agent });
  console.log(`fetch through client.interceptor: ${res.status} ${await res.text()}`);
  await agent.close();
} finally {
  await client.close();
  api.close();
}
