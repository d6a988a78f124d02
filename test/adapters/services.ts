// Finds out whether a local service the adapter tests need is up. Down: the test skips with a
// message naming the service, except under REQUIRE_SERVICES=1 (CI), where the file fails.
import { connect } from 'node:net';

/** Resolves true when a TCP connection to host:port opens within `ms`. */
export function reachable(port: number, host = '127.0.0.1', ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (up: boolean): void => {
      socket.destroy();
      clearTimeout(timer);
      resolve(up);
    };
    const timer = setTimeout(() => {
      done(false);
    }, ms);
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/**
 * `false` when the service answers; otherwise the skip message for node:test. Throws instead
 * when REQUIRE_SERVICES=1.
 */
export async function skipUnless(name: string, port: number): Promise<string | false> {
  if (await reachable(port)) return false;
  const message = `${name} is not reachable on 127.0.0.1:${port}`;
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`${message} and REQUIRE_SERVICES=1`);
  }
  return `${message}: skipped`;
}

/** A random suffix for table and queue names, so parallel runs never collide. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A loopback port with nothing listening on it (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
