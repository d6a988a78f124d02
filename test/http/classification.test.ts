// How responses and errors count for the breaker of their origin, on a real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResilientHttpClient } from '../../src/http/index.js';
import { closedPort, startServer, type TestServer } from './server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/** Counts of the origin's breaker, without the consecutive ones. */
function totals(client: ResilientHttpClient, origin: string): [number, number, number, number] {
  const c = client.breakerFor(origin).counts;
  return [c.requests, c.totalSuccesses, c.totalFailures, c.totalExclusions];
}

describe('status classification', () => {
  it('counts 2xx, 3xx and 4xx but 429 as successes, 5xx and 429 as failures, and returns them all', async () => {
    const client = new ResilientHttpClient({ breaker: { consecutiveFailures: 100 } });
    try {
      const statuses: number[] = [];
      for (const path of ['/ok', '/404', '/status?code=302', '/status?code=400']) {
        const res = await client.get(server.origin + path);
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      assert.deepEqual(totals(client, server.origin), [4, 4, 0, 0]);
      for (const path of ['/500', '/502', '/503', '/429']) {
        const res = await client.get(server.origin + path);
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      assert.deepEqual(statuses, [200, 404, 302, 400, 500, 502, 503, 429]);
      assert.deepEqual(totals(client, server.origin), [8, 4, 4, 0]);
    } finally {
      await client.close();
    }
  });

  it('returns a 5xx as a readable WHATWG Response', async () => {
    const client = new ResilientHttpClient();
    try {
      const res = await client.get(`${server.origin}/500`);
      assert.ok(res instanceof Response, 'a Response');
      assert.equal(res.status, 500);
      assert.equal(res.ok, false);
      assert.equal(res.statusText, 'Internal Server Error');
      assert.equal(res.headers.get('content-type'), 'text/plain');
      assert.equal(await res.text(), 'boom');
    } finally {
      await client.close();
    }
  });

  it('counts network errors as failures', async () => {
    const port = await closedPort();
    const client = new ResilientHttpClient();
    try {
      await assert.rejects(client.get(`${server.origin}/reset`), { code: 'ECONNRESET' });
      await assert.rejects(client.get(`http://127.0.0.1:${port}/`), { code: 'ECONNREFUSED' });
      assert.deepEqual(totals(client, server.origin), [1, 0, 1, 0]);
      assert.deepEqual(totals(client, `http://127.0.0.1:${port}`), [1, 0, 1, 0]);
    } finally {
      await client.close();
    }
  });

  it('lets a classify predicate decide, with the status and the headers', async () => {
    const seen: string[] = [];
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 100 },
      classify: (status, headers) => {
        seen.push(`${status} ${String(headers['content-type'])}`);
        if (status === 404) return 'failure';
        if (status === 503) return 'excluded';
        return status >= 500 ? 'failure' : 'success';
      },
    });
    try {
      for (const path of ['/ok', '/404', '/503', '/500'])
        await (await client.get(server.origin + path)).text();
      assert.deepEqual(seen, [
        '200 text/plain',
        '404 text/plain',
        '503 undefined',
        '500 text/plain',
      ]);
      assert.deepEqual(totals(client, server.origin), [4, 1, 2, 1]);
    } finally {
      await client.close();
    }
  });

  it('honours the breaker options isExcluded and isSuccessful for errors', async () => {
    const port = await closedPort();
    const client = new ResilientHttpClient({
      breaker: { isExcluded: (e) => (e as { code?: string }).code === 'ECONNREFUSED' },
    });
    try {
      await assert.rejects(client.get(`http://127.0.0.1:${port}/`), { code: 'ECONNREFUSED' });
      assert.deepEqual(totals(client, `http://127.0.0.1:${port}`), [1, 0, 0, 1]);
    } finally {
      await client.close();
    }
  });

  it('names each breaker by the origin of the URL', async () => {
    const client = new ResilientHttpClient();
    try {
      await (await client.get(`${server.origin}/ok?x=1#frag`)).text();
      await (await client.get(new URL(`${server.origin}/404`))).text();
      assert.deepEqual(
        client.manager.snapshot().map((s) => [s.name, s.counts.requests]),
        [[server.origin, 2]],
      );
    } finally {
      await client.close();
    }
  });
});
