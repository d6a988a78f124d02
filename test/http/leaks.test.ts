// No leaked sockets, timers or listeners after 1,000 failing requests of every kind.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { BreakerOpenError, CallTimeoutError, ResilientHttpClient } from '../../src/http/index.js';
import { startServer, until, type TestServer } from './server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** Runs `count` calls of `call(i)`, `concurrency` at a time. */
async function pool(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('1,000 failing requests', () => {
  it('leave no socket, timer or listener behind', async () => {
    const baseline = timers();
    const client = new ResilientHttpClient({
      timeout: 5_000,
      breaker: { readyToTrip: () => false },
    });
    const controller = new AbortController();
    const outcomes = new Map<string, number>();
    const count = (kind: string): void => {
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    };
    const connections = server.connections;
    await pool(1_000, 50, async (i) => {
      const path = ['/500', '/reset', '/hang', '/half'][i % 4] as string;
      try {
        const res = await client.get(server.origin + path, {
          signal: controller.signal,
          timeout: path === '/hang' ? 30 : 5_000,
        });
        if (path === '/500') {
          count(`status ${res.status}`); // a small body, left unread on purpose
        } else {
          await res.text();
          count('read');
        }
      } catch (error) {
        count(
          error instanceof CallTimeoutError ? 'timeout' : String((error as { code?: string }).code),
        );
      }
    });
    assert.deepEqual(Object.fromEntries(outcomes), {
      'status 500': 250,
      ECONNRESET: 250,
      timeout: 250,
      UND_ERR_SOCKET: 250,
    });
    const c = client.breakerFor(server.origin).counts;
    assert.deepEqual([c.requests, c.totalFailures], [1_000, 1_000]);
    // Every request settled and nothing is left queued or running (undici updates its counts of
    // an aborted request a moment later), and the pool holds at most one connection per caller.
    const agent = client.dispatcher;
    if (!(agent instanceof Agent)) throw new TypeError('the client should have made an Agent');
    const stats = () => agent.stats[server.origin];
    await until('undici to count nothing in flight', () => (stats()?.running ?? 0) === 0);
    assert.deepEqual([stats()?.pending ?? 0, stats()?.running ?? 0], [0, 0]);
    const connected = Number(stats()?.connected ?? 0);
    assert.ok(connected <= 50, `at most 50 connections, got ${connected}`);
    assert.ok(server.open <= 50, `at most 50 open sockets at the server, got ${server.open}`);
    // 750 of the requests needed their connection closed; the 500s left theirs alive.
    assert.ok(
      server.connections - connections >= 750,
      `${server.connections - connections} connections`,
    );
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.equal(timers(), baseline);
    await client.close();
    await until('every socket to close', () => server.open === 0);
  });

  it('against an open circuit touch no socket at all', async () => {
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 1, timeout: 60_000 },
    });
    try {
      await (await client.get(`${server.origin}/500`)).text();
      const connections = server.connections;
      const hits = server.total;
      let refused = 0;
      await pool(1_000, 50, async () => {
        await client.get(`${server.origin}/ok`).catch((e: unknown) => {
          if (e instanceof BreakerOpenError) refused++;
        });
      });
      assert.equal(refused, 1_000);
      assert.equal(server.total, hits);
      assert.equal(server.connections, connections);
    } finally {
      await client.close();
    }
    await until('every socket to close', () => server.open === 0);
  });
});
