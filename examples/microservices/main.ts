// Three services on loopback, gateway -> orders -> payments, and a short scripted story: payments
// degrades (slow, and half its charges fail), the breaker in orders opens, and the gateway keeps
// answering at once (orders accepted, payment pending) instead of piling requests onto payments;
// then payments heals and the breaker closes again.
//   node --import tsx examples/microservices/main.ts
// In an application the imports are `from 'breakwater'` and `from 'breakwater/http'`.
import { setTimeout as sleep } from 'node:timers/promises';
import { start as startGateway } from './gateway.js';
import { start as startOrders } from './orders.js';
import { start as startPayments } from './payments.js';
import { Customers, summarize } from './traffic.js';

const payments = await startPayments();
const orders = await startOrders({ paymentsUrl: payments.url });
const gateway = await startGateway({ ordersUrl: orders.url });
const customers = new Customers(gateway.url);
console.log('gateway -> orders -> payments are up on loopback');

orders.manager.onTransition((e) => {
  console.log(`  [orders] circuit to payments: ${e.from} -> ${e.to}`);
});
gateway.manager.onTransition((e) => {
  console.log(`  [gateway] circuit to orders: ${e.from} -> ${e.to}`);
});

/** Sends `requests` checkouts, 4 at a time, and prints what the customers saw. */
async function phase(title: string, requests: number): Promise<void> {
  const before = payments.stats.requests;
  const s = summarize(await customers.checkouts({ requests, concurrency: 4 }));
  const reasons = Object.entries(s.reasons)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  console.log(
    `${title}: ${s.count} checkouts, ${s.confirmed} confirmed, ${s.pending} pending` +
      `${reasons === '' ? '' : ` (${reasons})`}; p99 ${s.p99} ms, max ${s.max} ms;` +
      ` payments received ${payments.stats.requests - before}`,
  );
}

try {
  await phase('healthy', 20);

  console.log('payments degrades: charges take 2 s, and every second one fails at once');
  payments.degrade({ latencyMs: 2_000, errorRate: 0.5 });
  await phase('degraded', 12);
  await phase('circuit open', 40);
  const { inFlight, abandoned } = payments.stats;
  console.log(
    `payments is working on ${inFlight} charges; ${abandoned} slow ones were abandoned by orders`,
  );

  payments.heal();
  const wait = orders.paymentsBreaker.retryAfter;
  console.log(`payments heals; the circuit tries again in ${Math.ceil(wait / 100) / 10} s`);
  await sleep(wait);
  await phase('recovering', 8);
  await phase('healthy again', 20);
  console.log(
    `circuits: orders -> payments ${orders.paymentsBreaker.state},` +
      ` gateway -> orders ${gateway.ordersBreaker.state}`,
  );
} finally {
  await customers.close();
  await gateway.close();
  await orders.close();
  await payments.close();
}
