// fallback(request, error): a response in place of an open circuit or a request that threw.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BreakerOpenError, CallTimeoutError, ResilientHttpClient } from '../../src/http/index.js';
import { startServer, type TestServer } from './server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

interface Seen {
  method: string;
  url: string;
  header: string | null;
  body: string;
  error: unknown;
}

/** A fallback that records what it was given and answers from a "cache". */
function cachedFallback(seen: Seen[]) {
  return async (request: Request, error: unknown): Promise<Response> => {
    seen.push({
      method: request.method,
      url: request.url,
      header: request.headers.get('x-trace'),
      body: await request.text(),
      error,
    });
    return new Response('from cache', { status: 200, headers: { 'x-cache': 'hit' } });
  };
}

describe('fallback', () => {
  it('answers for an open circuit, which still does not touch the network', async () => {
    const seen: Seen[] = [];
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 1 },
      fallback: cachedFallback(seen),
    });
    try {
      const failed = await client.get(`${server.origin}/500`);
      assert.equal(failed.status, 500);
      await failed.text();
      const hits = server.hitsOf('/ok');
      const res = await client.get(`${server.origin}/ok?id=7`, { headers: { 'x-trace': 't-1' } });
      assert.equal(await res.text(), 'from cache');
      assert.equal(res.headers.get('x-cache'), 'hit');
      assert.equal(server.hitsOf('/ok'), hits);
      assert.equal(seen.length, 1);
      const first = seen[0]!;
      assert.equal(first.method, 'GET');
      assert.equal(first.url, `${server.origin}/ok?id=7`);
      assert.equal(first.header, 't-1');
      assert.ok(first.error instanceof BreakerOpenError, 'given the BreakerOpenError');
    } finally {
      await client.close();
    }
  });

  it('answers for network errors and timeouts, and is shown the request body', async () => {
    const seen: Seen[] = [];
    const client = new ResilientHttpClient({ timeout: 40, fallback: cachedFallback(seen) });
    try {
      const reset = await client.request(`${server.origin}/reset`, {
        method: 'POST',
        body: 'order 1',
      });
      assert.equal(await reset.text(), 'from cache');
      const hang = await client.get(`${server.origin}/hang`);
      assert.equal(await hang.text(), 'from cache');
      assert.deepEqual(
        seen.map((s) => [s.method, s.body, (s.error as { code?: string }).code]),
        [
          ['POST', 'order 1', 'ECONNRESET'],
          ['GET', '', 'ERR_CALL_TIMEOUT'],
        ],
      );
      assert.ok(seen[1]?.error instanceof CallTimeoutError, 'given the CallTimeoutError');
    } finally {
      await client.close();
    }
  });

  it('is not asked for 5xx and 429 responses: they are returned as they are', async () => {
    const seen: Seen[] = [];
    const client = new ResilientHttpClient({ fallback: cachedFallback(seen) });
    try {
      for (const path of ['/500', '/503', '/429']) {
        const res = await client.get(server.origin + path);
        assert.notEqual(res.status, 200);
        await res.text();
      }
      assert.equal(seen.length, 0);
    } finally {
      await client.close();
    }
  });

  it("is not asked for the caller's abort nor the caller's mistakes", async () => {
    let calls = 0;
    const client = new ResilientHttpClient({
      fallback: () => {
        calls++;
        return new Response('nope');
      },
    });
    try {
      const reason = new Error('stop');
      await assert.rejects(
        client.get(`${server.origin}/hang`, { signal: AbortSignal.abort(reason) }),
        (e) => e === reason,
      );
      const controller = new AbortController();
      const call = client.get(`${server.origin}/hang`, { signal: controller.signal });
      controller.abort(reason);
      await assert.rejects(call, (e) => e === reason);
      await assert.rejects(client.get(`${server.origin}/ok`, { headers: { 'x-bad': 'a\r\nb' } }), {
        code: 'UND_ERR_INVALID_ARG',
      });
      await assert.rejects(client.get('nonsense'), TypeError);
      assert.equal(calls, 0);
    } finally {
      await client.close();
    }
  });

  it('lets the error through when it returns undefined, and replaces it when it throws', async () => {
    const quiet = new ResilientHttpClient({ fallback: () => undefined });
    const loud = new ResilientHttpClient({
      fallback: (_request, error) => {
        throw new Error('no cache either', { cause: error });
      },
    });
    try {
      await assert.rejects(quiet.get(`${server.origin}/reset`), { code: 'ECONNRESET' });
      await assert.rejects(loud.get(`${server.origin}/reset`), (e: unknown) => {
        assert.equal((e as Error).message, 'no cache either');
        assert.equal(((e as Error).cause as { code?: string }).code, 'ECONNRESET');
        return true;
      });
    } finally {
      await Promise.all([quiet.close(), loud.close()]);
    }
  });

  it('must return a Response', async () => {
    const client = new ResilientHttpClient({ fallback: () => ({ cached: true }) as never });
    try {
      await assert.rejects(client.get(`${server.origin}/reset`), {
        name: 'TypeError',
        message:
          'ResilientHttpClient fallback must return a Response, or undefined to keep the error; got {"cached":true}',
      });
    } finally {
      await client.close();
    }
  });
});
