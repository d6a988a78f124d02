// The breaker as an undici interceptor: undici's request and fetch, and Node's own fetch, with
// a composed dispatcher get the same protection without changing their calls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent, Pool, fetch as undiciFetch, request } from 'undici';
import { CircuitBreakerManager } from '../../src/index.js';
import { BreakerOpenError, breakerInterceptor, ResilientHttpClient } from '../../src/http/index.js';
import { startServer, type TestServer } from './server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

function totals(
  manager: CircuitBreakerManager,
  origin = server.origin,
): [number, number, number, number] {
  const c = manager.get(origin).counts;
  return [c.requests, c.totalSuccesses, c.totalFailures, c.totalExclusions];
}

/** An agent with the interceptor over `manager`, and a way to close both. */
function protectedAgent(manager: CircuitBreakerManager) {
  const agent = new Agent();
  return {
    dispatcher: agent.compose(breakerInterceptor({ manager })),
    close: async () => {
      await agent.close();
      manager.close();
    },
  };
}

describe('breakerInterceptor with undici request', () => {
  it('classifies statuses, opens the circuit, and then refuses without touching the network', async () => {
    const manager = new CircuitBreakerManager({ defaults: { consecutiveFailures: 3 } });
    const { dispatcher, close } = protectedAgent(manager);
    try {
      for (const path of ['/ok', '/404', '/500', '/429']) {
        const res = await request(server.origin + path, { dispatcher });
        await res.body.text();
      }
      assert.deepEqual(totals(manager), [4, 2, 2, 0]);
      await (await request(`${server.origin}/503`, { dispatcher })).body.text();
      assert.equal(manager.get(server.origin).state, 'open');
      const hits = server.total;
      await assert.rejects(request(`${server.origin}/ok`, { dispatcher }), (e: unknown) => {
        assert.ok(e instanceof BreakerOpenError, 'a BreakerOpenError');
        assert.equal(e.breakerName, server.origin);
        return true;
      });
      assert.equal(server.total, hits);
    } finally {
      await close();
    }
  });

  it('counts a body that breaks off and a timeout as failures, and an abort as neither', async () => {
    const manager = new CircuitBreakerManager({ defaults: { readyToTrip: () => false } });
    const { dispatcher, close } = protectedAgent(manager);
    try {
      const half = await request(`${server.origin}/half`, { dispatcher });
      await assert.rejects(half.body.text(), { code: 'UND_ERR_SOCKET' });
      assert.deepEqual(totals(manager), [1, 0, 1, 0]);
      await assert.rejects(
        request(`${server.origin}/hang`, { dispatcher, signal: AbortSignal.timeout(40) }),
        {
          name: 'TimeoutError',
        },
      );
      assert.deepEqual(totals(manager), [2, 0, 2, 0]);
      const controller = new AbortController();
      const call = request(`${server.origin}/hang`, { dispatcher, signal: controller.signal });
      setTimeout(() => {
        controller.abort();
      }, 20);
      await assert.rejects(call, { name: 'AbortError' });
      assert.deepEqual(totals(manager), [3, 0, 2, 1]);
      await assert.rejects(request(`${server.origin}/reset`, { dispatcher }), {
        code: 'ECONNRESET',
      });
      assert.deepEqual(totals(manager), [4, 0, 3, 1]);
    } finally {
      await close();
    }
  });

  it('takes a classify predicate', async () => {
    const manager = new CircuitBreakerManager();
    const agent = new Agent();
    const dispatcher = agent.compose(
      breakerInterceptor({
        manager,
        classify: (status) => (status === 404 ? 'excluded' : 'success'),
      }),
    );
    try {
      for (const path of ['/404', '/500'])
        await (await request(server.origin + path, { dispatcher })).body.text();
      assert.deepEqual(totals(manager), [2, 1, 0, 1]);
    } finally {
      await agent.close();
      manager.close();
    }
  });

  it('names breakers by a fixed origin for a Pool, which sends none', async () => {
    const manager = new CircuitBreakerManager();
    const pool = new Pool(server.origin);
    try {
      const bare = pool.compose(breakerInterceptor({ manager }));
      await assert.rejects(bare.request({ path: '/ok', method: 'GET' }), {
        name: 'TypeError',
        message:
          'breakerInterceptor: the request has no origin to name its breaker by (got undefined); give the interceptor an origin option',
      });
      const named = pool.compose(breakerInterceptor({ manager, origin: `${server.origin}/` }));
      const res = await named.request({ path: '/500', method: 'GET' });
      await res.body.text();
      assert.deepEqual(totals(manager), [1, 0, 1, 0]);
    } finally {
      await pool.close();
      manager.close();
    }
  });

  it('refuses bad options by name', () => {
    assert.throws(() => breakerInterceptor({ breakr: {} } as never), {
      name: 'TypeError',
      message:
        'unknown breakerInterceptor option breakr (known: breaker, origins, manager, service, classify, origin)',
    });
    assert.throws(() => breakerInterceptor({ classify: 'strict' } as never), {
      name: 'TypeError',
      message: 'breakerInterceptor option classify must be a function, got "strict"',
    });
    assert.throws(() => breakerInterceptor({ origin: 'not an origin' }), {
      name: 'TypeError',
      message:
        'breakerInterceptor option origin must be an origin like \'https://api.example.com\', got "not an origin"',
    });
    assert.throws(() => breakerInterceptor({ breaker: { maxRequests: 'x' } } as never), {
      name: 'TypeError',
      message:
        'breakerInterceptor option breaker: breaker option maxRequests must be a number, got "x"',
    });
  });
});

describe('breakerInterceptor with fetch', () => {
  for (const [label, fetchFn] of [
    ["undici's fetch", undiciFetch as unknown as typeof fetch],
    ["Node's global fetch", fetch],
  ] as const) {
    it(`${label}: protected through its dispatcher option; a refusal is the cause of "fetch failed"`, async () => {
      const manager = new CircuitBreakerManager({ defaults: { consecutiveFailures: 2 } });
      const { dispatcher, close } = protectedAgent(manager);
      const init = { dispatcher } as unknown as RequestInit;
      try {
        const ok = await fetchFn(`${server.origin}/ok`, init);
        assert.equal(await ok.text(), 'ok');
        for (let i = 0; i < 2; i++) {
          const res = await fetchFn(`${server.origin}/502`, init);
          assert.equal(res.status, 502);
          await res.text();
        }
        assert.equal(manager.get(server.origin).state, 'open');
        const hits = server.total;
        await assert.rejects(fetchFn(`${server.origin}/ok`, init), (e: unknown) => {
          assert.equal((e as Error).message, 'fetch failed');
          assert.ok((e as Error).cause instanceof BreakerOpenError, 'caused by a BreakerOpenError');
          return true;
        });
        assert.equal(server.total, hits);
      } finally {
        await close();
      }
    });
  }
});

describe('client.interceptor', () => {
  it("shares the client's breakers: failures through undici open the client's circuit", async () => {
    const client = new ResilientHttpClient({ breaker: { consecutiveFailures: 2 } });
    const agent = new Agent();
    const dispatcher = agent.compose(client.interceptor);
    assert.equal(client.interceptor, client.interceptor);
    try {
      for (let i = 0; i < 2; i++)
        await (await request(`${server.origin}/500`, { dispatcher })).body.text();
      await assert.rejects(client.get(`${server.origin}/ok`), BreakerOpenError);
    } finally {
      await agent.close();
      await client.close();
    }
  });
});
