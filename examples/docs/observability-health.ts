import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreakerManager } from '../../src/index.js';
import { livez, readyz } from '../../src/observability/health/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
const manager = new CircuitBreakerManager({ clock, defaults: { consecutiveFailures: 1 } });
let shuttingDown = false;

const live = livez({ checks: { shutdown: () => !shuttingDown || 'shutting down' } });
// Only an open breaker listed as critical makes this instance unready.
const ready = readyz(manager, { critical: ['postgres'], clock, serviceId: 'checkout' });
const server = createServer((req, res) => {
  if (req.url?.startsWith('/livez')) live(req, res);
  else if (req.url?.startsWith('/readyz')) ready(req, res);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function probe(path: string, accept = 'text/plain'): Promise<void> {
  const res = await fetch(base + path, { headers: { accept } });
  console.log(`GET ${path} -> ${res.status}\n${(await res.text()).trimEnd()}`);
}

const down = () => Promise.reject(new Error('down'));
await manager.execute('postgres', () => 'ok');
await manager.tryExecute('search', down); // search opens: degraded, still ready
await probe('/readyz');
await probe('/readyz?verbose');
await manager.tryExecute('postgres', down); // postgres opens: not ready
clock.advance(12_500);
await probe('/readyz?verbose&exclude=search');
await probe('/readyz?exclude=search', 'application/health+json');
await probe('/livez'); // liveness never looks at breakers
shuttingDown = true;
await probe('/livez?verbose');

server.close();
manager.close();
