// A third-party API with a rate limit and an outage, and a client that copes: it honours
// Retry-After, keeps its retries within a budget, stops calling while the API is down (the
// breaker), and answers from its cache, marked stale, until fresh answers come back.
//   node --import tsx examples/external-api/main.ts
// In an application the imports are `from 'breakwater'` and `from 'breakwater/http'`.
import { setTimeout as sleep } from 'node:timers/promises';
import { start } from './rates-api.js';
import { createRatesClient } from './rates-client.js';

const api = await start({ capacity: 3, refillPerSecond: 1 });
const rates = createRatesClient({
  baseUrl: api.url,
  onRetry: (e) => {
    const status = e.outcome.kind === 'result' ? (e.outcome.result as Response).status : 'error';
    console.log(`    ${status}: retry in ${e.delay} ms (${e.delaySource})`);
  },
  onGiveUp: (e) => {
    console.log(`    gave up after ${e.attempts} attempt(s): ${e.reason}`);
  },
});
rates.breaker.onTransition((e) => {
  console.log(`  circuit: ${e.from} -> ${e.to}`);
});

async function show(currency: string): Promise<void> {
  const before = api.requests;
  const q = await rates.rate(currency);
  const sent = api.requests - before;
  console.log(
    `  EUR/${currency} ${q.rate} #${q.seq} ${q.stale ? 'stale (cached)' : 'fresh'}` +
      ` - ${sent} request${sent === 1 ? '' : 's'} sent`,
  );
}

try {
  console.log('the API allows bursts of 3 requests, then 1 per second:');
  for (const currency of ['USD', 'GBP', 'JPY', 'USD']) await show(currency);

  console.log('the API goes down (503):');
  api.down();
  for (let i = 0; i < 5; i++) await show('USD');

  console.log('the API is back:');
  api.up();
  await show('USD'); // the circuit is still open: nothing is sent
  await sleep(rates.breaker.retryAfter);
  await show('USD');
} finally {
  await rates.close();
  await api.close();
}
