// Retries on a real server: only with a `retry` option, only for idempotent requests, under a
// budget, honouring Retry-After, never into an open circuit; failed attempts' bodies freed.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { retryBudget, type GiveUpEvent, type RetryEvent } from '../../src/index.js';
import {
  BreakerOpenError,
  CallTimeoutError,
  ClientClosedError,
  ResilientHttpClient,
} from '../../src/http/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { startServer, until, type TestServer } from './server.js';

let server: TestServer;
/** For the tests where opening the circuit is not the point. */
const NEVER_TRIP = { readyToTrip: () => false };
before(async () => {
  server = await startServer();
});
after(() => server.close());

/** Hits of `path` made by `run`. */
async function hitsDuring(path: string, run: () => Promise<unknown>): Promise<number> {
  const before = server.hitsOf(path);
  await run();
  return server.hitsOf(path) - before;
}

async function drained(response: Promise<Response>): Promise<number> {
  const res = await response;
  await res.arrayBuffer();
  return res.status;
}

describe('without a retry option', () => {
  it('makes exactly one attempt, whatever the failure', async () => {
    // No timeout but the one /hang needs: on a loaded machine 50 ms can run out on any request.
    const client = new ResilientHttpClient({ breaker: NEVER_TRIP });
    try {
      assert.equal(await hitsDuring('/500', () => drained(client.get(`${server.origin}/500`))), 1);
      assert.equal(
        await hitsDuring('/503', () => drained(client.get(`${server.origin}/503?after=0`))),
        1,
      );
      assert.equal(
        await hitsDuring('/reset', () => client.get(`${server.origin}/reset`).catch(() => 0)),
        1,
      );
      assert.equal(
        await hitsDuring('/hang', () =>
          client.get(`${server.origin}/hang`, { timeout: 250 }).catch(() => 0),
        ),
        1,
      );
    } finally {
      await client.close();
    }
  });
});

describe('with a retry option', () => {
  it('retries failed statuses until one succeeds', async () => {
    const client = new ResilientHttpClient({ retry: { maxAttempts: 3, backoff: 0 } });
    try {
      let text = '';
      const hits = await hitsDuring('/flaky', async () => {
        const res = await client.get(`${server.origin}/flaky?fail=2&key=retries`);
        text = await res.text();
      });
      assert.equal(hits, 3);
      assert.equal(text, 'ok after 3');
      const c = client.breakerFor(server.origin).counts;
      assert.deepEqual([c.totalFailures, c.totalSuccesses], [2, 1]);
    } finally {
      await client.close();
    }
  });

  it('returns the last failed response when the attempts run out, keeping the connections', async () => {
    const client = new ResilientHttpClient({
      breaker: NEVER_TRIP,
      retry: { maxAttempts: 3, backoff: 0 },
    });
    try {
      const seen = server.connectionsClosed('/status').length;
      const status = await drained(client.get(`${server.origin}/status?code=503&bytes=65536`));
      assert.equal(status, 503);
      // The bodies of the first two attempts were read off their connections and dropped:
      // no connection was closed to get rid of them.
      assert.deepEqual(server.connectionsClosed('/status').slice(seen), [false, false, false]);
    } finally {
      await client.close();
    }
  });

  it('closes the connection of a failed attempt whose body is too large to drain', async () => {
    const client = new ResilientHttpClient({
      breaker: NEVER_TRIP,
      retry: { maxAttempts: 3, backoff: 0 },
    });
    try {
      const seen = server.connectionsClosed('/status').length;
      const status = await drained(
        client.get(`${server.origin}/status?code=500&bytes=${4 * 1024 * 1024}`),
      );
      assert.equal(status, 500);
      await until('the connections of the dropped bodies to close', () =>
        server
          .connectionsClosed('/status')
          .slice(seen, seen + 2)
          .every(Boolean),
      );
      assert.deepEqual(server.connectionsClosed('/status').slice(seen), [true, true, false]);
    } finally {
      await client.close();
    }
  });

  it('retries network errors and timeouts', async () => {
    // The timeout applies to /hang only, long enough for each attempt to reach the server on
    // a loaded machine (30 ms for every request made both counts flaky).
    const client = new ResilientHttpClient({
      breaker: NEVER_TRIP,
      retry: { maxAttempts: 3, backoff: 0 },
    });
    try {
      const resets = await hitsDuring('/reset', () =>
        assert.rejects(client.get(`${server.origin}/reset`), { code: 'ECONNRESET' }),
      );
      assert.equal(resets, 3);
      const hangs = await hitsDuring('/hang', () =>
        assert.rejects(client.get(`${server.origin}/hang`, { timeout: 250 }), CallTimeoutError),
      );
      assert.equal(hangs, 3);
    } finally {
      await client.close();
    }
  });

  it('retries only idempotent requests, unless told otherwise', async () => {
    const client = new ResilientHttpClient({
      breaker: NEVER_TRIP,
      retry: { maxAttempts: 3, backoff: 0 },
    });
    const eager = new ResilientHttpClient({
      breaker: NEVER_TRIP,
      retry: { maxAttempts: 3, backoff: 0 },
      retryNonIdempotent: true,
    });
    const url = `${server.origin}/500`;
    try {
      const post = { method: 'POST', body: 'order' };
      assert.equal(await hitsDuring('/500', () => drained(client.request(url, post))), 1);
      assert.equal(
        await hitsDuring('/500', () =>
          drained(client.request(url, { method: 'PATCH', body: 'x' })),
        ),
        1,
      );
      assert.equal(
        await hitsDuring('/500', () => drained(client.request(url, { ...post, idempotent: true }))),
        3,
      );
      assert.equal(await hitsDuring('/500', () => drained(eager.request(url, post))), 3);
      assert.equal(
        await hitsDuring('/500', () => drained(client.request(url, { method: 'PUT', body: 'x' }))),
        3,
      );
      assert.equal(
        await hitsDuring('/500', () => drained(client.request(url, { method: 'DELETE' }))),
        3,
      );
      assert.equal(
        await hitsDuring('/500', () => drained(client.get(url, { idempotent: false }))),
        1,
      );
      // A stream body is read once: never sent twice.
      const streamed = { method: 'PUT', body: Readable.from(['a', 'b']) };
      assert.equal(await hitsDuring('/500', () => drained(eager.request(url, streamed))), 1);
    } finally {
      await Promise.all([client.close(), eager.close()]);
    }
  });

  it('honours Retry-After', async () => {
    const clock = new ManualClock(Date.now());
    const retries: RetryEvent[] = [];
    const client = new ResilientHttpClient({
      retry: { maxAttempts: 2, backoff: 0, clock, onRetry: (e) => retries.push(e) },
    });
    try {
      const before = server.hitsOf('/503');
      const call = client.get(`${server.origin}/503?after=2`);
      await until('the first attempt to fail', () => retries.length === 1);
      assert.deepEqual([retries[0]!.delay, retries[0]!.delaySource], [2000, 'retry-after']);
      assert.equal(server.hitsOf('/503') - before, 1);
      clock.advance(1999);
      assert.equal(server.hitsOf('/503') - before, 1);
      clock.advance(1);
      assert.equal(await drained(call), 503);
      assert.equal(server.hitsOf('/503') - before, 2);
    } finally {
      await client.close();
    }
  });

  it('gives up at once when Retry-After asks for more than maxDelay', async () => {
    const giveUps: GiveUpEvent[] = [];
    const client = new ResilientHttpClient({
      retry: { maxAttempts: 5, maxDelay: 1000, onGiveUp: (e) => giveUps.push(e) },
    });
    try {
      const hits = await hitsDuring('/429', () =>
        drained(client.get(`${server.origin}/429?after=120`)),
      );
      assert.equal(hits, 1);
      assert.deepEqual(
        giveUps.map((e) => [e.attempts, e.reason]),
        [[1, 'max-delay']],
      );
    } finally {
      await client.close();
    }
  });

  it('stays within the retry budget', async () => {
    const clock = new ManualClock(0);
    // ratio 0 and a floor of 0.1 retries/s over 10 s: one retry in the window, for every call.
    const budget = retryBudget({ ratio: 0, minRetriesPerSecond: 0.1, window: 10_000, clock });
    const giveUps: GiveUpEvent[] = [];
    const client = new ResilientHttpClient({
      retry: { maxAttempts: 3, backoff: 0, budget, clock, onGiveUp: (e) => giveUps.push(e) },
    });
    try {
      const hits = await hitsDuring('/500', async () => {
        for (let i = 0; i < 3; i++)
          assert.equal(await drained(client.get(`${server.origin}/500`)), 500);
      });
      assert.equal(hits, 4);
      assert.deepEqual(
        giveUps.map((e) => [e.attempts, e.reason]),
        [
          [2, 'budget'],
          [1, 'budget'],
          [1, 'budget'],
        ],
      );
      assert.deepEqual([budget.calls, budget.retries], [3, 1]);
    } finally {
      await client.close();
    }
  });

  it('does not retry into an open circuit', async () => {
    const giveUps: GiveUpEvent[] = [];
    const client = new ResilientHttpClient({
      breaker: { consecutiveFailures: 2, timeout: 60_000 },
      retry: { maxAttempts: 5, backoff: 0, onGiveUp: (e) => giveUps.push(e) },
    });
    try {
      const hits = await hitsDuring('/500', async () => {
        assert.equal(await drained(client.get(`${server.origin}/500`)), 500);
        await assert.rejects(client.get(`${server.origin}/500`), BreakerOpenError);
      });
      assert.equal(hits, 2);
      assert.deepEqual(
        giveUps.map((e) => [e.attempts, e.reason]),
        [
          [2, 'breaker-open'],
          [1, 'breaker-open'],
        ],
      );
    } finally {
      await client.close();
    }
  });

  it("stops at the caller's abort, between attempts too", async () => {
    const clock = new ManualClock(0);
    const retries: RetryEvent[] = [];
    const client = new ResilientHttpClient({
      retry: { maxAttempts: 3, backoff: 10_000, clock, onRetry: (e) => retries.push(e) },
    });
    try {
      const controller = new AbortController();
      const before = server.hitsOf('/500');
      const call = client.get(`${server.origin}/500`, { signal: controller.signal });
      await until('the first attempt to fail', () => retries.length === 1);
      controller.abort(new Error('enough'));
      await assert.rejects(call, { message: 'enough' });
      clock.advance(10_000);
      assert.equal(server.hitsOf('/500') - before, 1);
    } finally {
      await client.close();
    }
  });

  it('sends no retry after close()', async () => {
    const clock = new ManualClock(0);
    const retries: RetryEvent[] = [];
    const client = new ResilientHttpClient({
      retry: { maxAttempts: 3, backoff: 1_000, clock, onRetry: (e) => retries.push(e) },
    });
    const before = server.hitsOf('/500');
    const call = client.get(`${server.origin}/500`);
    await until('the first attempt to fail', () => retries.length === 1);
    await client.close();
    clock.advance(1_000);
    await assert.rejects(call, ClientClosedError);
    assert.equal(server.hitsOf('/500') - before, 1);
  });
});
