import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertManager, webhookSink } from '../../src/observability/alerts/index.js';
import { CircuitBreaker } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

// A receiver (your incident tool, a chat bridge) that prints what it gets.
interface Payload {
  version: string;
  status: string;
  receiver: string;
  alerts: { endsAt: string }[];
}
const received: Payload[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    received.push(JSON.parse(body) as Payload);
    res.end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/breakwater`;

const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
const ledger = new CircuitBreaker({ name: 'ledger', clock, readyToTrip: () => true });
const alerts = new AlertManager({
  source: ledger,
  sinks: [webhookSink(url, { headers: { authorization: 'Bearer s3cret' } })],
  rules: { stuckOpenAfter: false, flap: false }, // only "open" and its resolution
  labels: { env: 'prod' },
  clock,
});

await ledger.tryExecute(() => Promise.reject(new Error('down')));
await alerts.settled();
clock.advance(90_000);
ledger.reset(); // an operator closes it: the alert resolves
await alerts.settled();

const [firing, resolved] = received;
console.log(`version ${firing?.version}, ${firing?.status}, receiver ${firing?.receiver}`);
console.log(JSON.stringify(firing?.alerts, null, 2));
console.log(`then: ${resolved?.status}, endsAt ${resolved?.alerts[0]?.endsAt}`);
await alerts.close();
server.close();
