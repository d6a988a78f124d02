import { BreakerOpenError, CircuitBreaker } from '../../src/index.js';

// A payment gateway that is down: every call fails after a few milliseconds.
async function chargeCard(cents: number, signal: AbortSignal): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  signal.throwIfAborted();
  throw new Error(`gateway unavailable (charging ${cents} cents)`);
}

const payments = new CircuitBreaker({
  name: 'payments',
  window: { kind: 'count', size: 10 }, // judge the last 10 calls...
  failureRateThreshold: 50, // ...and open when half of them failed,
  minimumCalls: 4, // once there are at least 4.
  timeout: 5_000, // Stay open 5 s, then let one probe call through.
  callTimeout: 1_000, // A call slower than 1 s fails (its signal aborts).
});
payments.onTransition((e) => {
  console.log(`${e.name}: ${e.from} -> ${e.to} (${e.reason})`);
});

for (let i = 1; i <= 6; i++) {
  try {
    console.log(await payments.execute((signal) => chargeCard(100 * i, signal)));
  } catch (error) {
    if (error instanceof BreakerOpenError) {
      const seconds = Math.ceil(error.retryAfter / 1000);
      console.log(`call ${i}: not sent, the breaker is open; retry in ${seconds} s`);
    } else {
      console.log(`call ${i}: failed: ${(error as Error).message}`);
    }
  }
}
