// Helpers shared by the policy tests. Named *.test.ts so that the build leaves it out of dist;
// it holds no tests of its own.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/** Lets every pending promise reaction run (one macrotask turn; no time passes on any clock). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The outcome of a promise, observed without leaving a rejection unhandled. */
export interface Tracked<T> {
  settled: boolean;
  rejected: boolean;
  value: T | undefined;
  error: unknown;
}

/** Attaches handlers at once, so a rejection is never unhandled while a test inspects it. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const state: Tracked<T> = { settled: false, rejected: false, value: undefined, error: undefined };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.rejected = true;
      state.error = error;
    },
  );
  return state;
}

/** A promise with its resolve and reject exposed (Promise.withResolvers is Node 22+). */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Collects the process warnings emitted while `body` runs and one turn after. */
export async function captureWarnings(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error): void => {
    seen.push(warning.message);
  };
  process.on('warning', listener);
  try {
    await body();
    await flush();
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

/**
 * Asserts `value instanceof ctor`, with a message of its own: a message-less `assert.ok` that
 * fails makes Node 20 re-read and parse the test source, which hangs on these tsx-compiled files.
 */
export function assertInstanceOf<C extends abstract new (...args: never[]) => unknown>(
  value: unknown,
  ctor: C,
): asserts value is InstanceType<C> {
  assert.ok(value instanceof ctor, `expected an instance of ${ctor.name}, got ${inspect(value)}`);
}
