import { createServer } from 'node:net';
import { FaultProxy, FaultProxyError } from '../../src/chaos/index.js';

// A service to put a proxy in front of: it answers "pong" to anything.
const server = createServer((socket) => {
  socket.on('data', () => socket.end('pong'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const upstream = typeof address === 'object' && address !== null ? address.port : 0;

const fp = new FaultProxy();
// Port 0 picks a free port; the reply shows it.
const proxy = await fp.create({
  name: 'api',
  listen: '127.0.0.1:0',
  upstream: `127.0.0.1:${upstream}`,
});
console.log(proxy.listen.startsWith('127.0.0.1:') && !proxy.listen.endsWith(':0'));

// The default name is <type>_<stream>; the stream defaults to downstream.
const toxic = fp.addToxic('api', { type: 'latency', attributes: { latency: 300 } });
console.log(JSON.stringify(toxic));

// Bad input names the field and quotes the value, as the HTTP API answers it (status 400).
try {
  fp.addToxic('api', { type: 'bandwidth', attributes: { rate: '10KB' } });
} catch (error) {
  if (error instanceof FaultProxyError) console.log(error.status, error.message);
}

// Toxiproxy's HTTP control API, for any Toxiproxy client (toxiproxy-node-client, toxiproxy-cli).
const api = await fp.listen({ host: '127.0.0.1', port: 0 });
const res = await fetch(`http://127.0.0.1:${api.port}/proxies/api/toxics`);
console.log(
  res.status,
  ((await res.json()) as { name: string }[]).map((t) => t.name),
);

await fp.update('api', { enabled: false }); // down: drops open connections, refuses new ones
console.log(fp.get('api').enabled);
await fp.reset(); // every proxy enabled, every toxic gone
console.log(fp.get('api').enabled, fp.toxics('api').length);

await fp.close();
server.close();
