import {
  BreakerError,
  BreakerOpenError,
  CallTimeoutError,
  CircuitBreaker,
  TooManyRequestsError,
} from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

function explain(error: unknown): string {
  if (error instanceof BreakerOpenError) {
    return `${error.code}: ${error.message}, half-open in ${error.retryAfter} ms`;
  }
  if (error instanceof TooManyRequestsError) {
    return `${error.code}: ${error.message}, the probes are taken`;
  }
  if (error instanceof CallTimeoutError) {
    return `${error.code}: ${error.name} after ${error.timeout} ms`;
  }
  return `the dependency's own error: ${String(error)}`;
}

const clock = new ManualClock();
const inventory = new CircuitBreaker({
  name: 'inventory',
  clock,
  callTimeout: 50,
  timeout: 1_000,
  readyToTrip: (counts) => counts.consecutiveFailures >= 1,
});

// A call that never answers by itself: it ends when its signal aborts.
const hang = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => {
      reject(signal.reason as Error);
    });
  });

const errors: unknown[] = [];
const first = inventory.execute(hang).catch((e: unknown) => errors.push(e));
clock.advance(50); // the call timeout passes: a failure, and the breaker trips
await first;
await inventory.execute(() => 'never runs').catch((e: unknown) => errors.push(e));
clock.advance(1_000); // half-open: one probe (maxRequests: 1) is let through
const probe = inventory.execute(hang).catch((e: unknown) => errors.push(e));
await inventory.execute(() => 'never runs').catch((e: unknown) => errors.push(e));
clock.advance(50);
await probe;

for (const error of errors) {
  console.log(`${explain(error)} [breaker ${(error as BreakerError).breakerName}]`);
}
console.log(`all BreakerError: ${errors.every((e) => BreakerError.is(e))}`);
