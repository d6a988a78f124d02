import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResilientHttpClient } from '../../src/http/index.js';

// A pricing service on loopback that fails until told otherwise.
let healthy = false;
const server = createServer((req, res) => {
  res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
  res.end(healthy ? `price of ${req.url?.slice(1) ?? ''}: 42` : 'overloaded');
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const pricing = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const client = new ResilientHttpClient({
  timeout: 2_000,
  // The origin's breaker is the service `pricing` (a config file's `pricing:`, metric labels).
  service: { [pricing]: 'pricing' },
  breaker: { consecutiveFailures: 2, timeout: 100 },
  fallback: (_request, error) =>
    new Response(`cached price (${(error as Error).name})`, { status: 200 }),
});

for (let i = 1; i <= 3; i++) {
  const res = await client.get(`${pricing}/apple`);
  console.log(`call ${i}: ${res.status} ${await res.text()}`);
}
const breaker = client.breakerFor(pricing);
console.log(`${breaker.name} is ${breaker.state}`);

healthy = true;
await new Promise((resolve) => setTimeout(resolve, 150)); // the open wait of 100 ms
const res = await client.get(`${pricing}/apple`); // the probe
console.log(
  `after the wait: ${res.status} ${await res.text()}; ${breaker.name} is ${breaker.state}`,
);

await client.close();
server.close();
