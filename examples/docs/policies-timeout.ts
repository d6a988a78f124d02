import { CallTimeoutError, timeout } from '../../src/index.js';

// Cooperative (the default): when time is up, the signal given to fn aborts, and the call
// settles when fn does. Right for anything that takes a signal (fetch, undici, pg's cancel).
const cooperative = timeout({ ms: 50, name: 'search' });
const slowQuery = (signal: AbortSignal) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(resolve, 1_000, 'results');
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
const error = await cooperative.execute(slowQuery).catch((e: unknown) => e);
if (error instanceof CallTimeoutError) {
  console.log(`${error.name} ${error.code}: ${error.message} [${error.breakerName}]`);
}

// Aggressive: the call rejects on time even if fn ignores its signal; fn goes on in the
// background and its outcome is dropped.
const aggressive = timeout({ ms: 50, strategy: 'aggressive' });
let finished = false;
const ignoresSignal = () =>
  new Promise<void>((resolve) =>
    setTimeout(() => {
      finished = true;
      resolve();
    }, 200),
  );
const started = Date.now();
await aggressive.execute(ignoresSignal).catch((e: unknown) => {
  console.log(
    `${(e as Error).name} after ${Date.now() - started < 200 ? 'less than' : 'over'} 200 ms, work finished: ${finished}`,
  );
});
