import { exponentialBackoff, retry } from '../../src/index.js';

class HttpError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

const policy = retry({
  name: 'inventory',
  maxAttempts: 4, // the first attempt and up to 3 retries
  backoff: exponentialBackoff({ initial: 10, max: 1_000, jitter: 'none' }), // 10, 20, 40 ms
  retryOn: (error) => !(error instanceof HttpError && error.status < 500), // 4xx: our mistake
  onRetry: (e) => {
    console.log(`  attempt ${e.attempt} failed, retry in ${e.delay} ms (${e.delaySource})`);
  },
  onGiveUp: (e) => {
    console.log(`  gave up after ${e.attempts} attempt(s): ${e.reason}`);
  },
});

/** A dependency that answers with each status in turn (200 = success). */
function dependency(...statuses: number[]) {
  return () => {
    const status = statuses.shift() ?? 200;
    return status === 200 ? Promise.resolve('in stock') : Promise.reject(new HttpError(status));
  };
}

async function call(label: string, fn: () => Promise<string>): Promise<void> {
  console.log(label);
  const result = await policy.execute(fn).catch((error: unknown) => (error as Error).message);
  console.log(`  -> ${result}`);
}

await call('two failures, then a success:', dependency(503, 502));
await call('always down:', dependency(503, 503, 503, 503));
await call('a mistake of ours:', dependency(404));
