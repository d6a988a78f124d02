// Timeouts and the caller's signal: the call settles at once and the connection is closed
// (the server sees its socket close). Real timers, kept short: the timer is the point here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallTimeoutError, ResilientHttpClient } from '../../src/http/index.js';
import { startServer, until, type TestServer } from './server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

function totals(client: ResilientHttpClient): [number, number, number, number] {
  const c = client.breakerFor(server.origin).counts;
  return [c.requests, c.totalSuccesses, c.totalFailures, c.totalExclusions];
}

function isTimeout(ms: number) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof CallTimeoutError, `a CallTimeoutError, got ${String(e)}`);
    assert.equal(e.name, 'TimeoutError');
    assert.equal(e.code, 'ERR_CALL_TIMEOUT');
    assert.equal(e.timeout, ms);
    assert.equal(e.breakerName, server.origin);
    return true;
  };
}

describe('the timeout', () => {
  it('rejects a request that gets no answer with CallTimeoutError, closes its connection, and counts a failure', async () => {
    const client = new ResilientHttpClient({ timeout: 80 });
    try {
      const started = performance.now();
      const call = client.get(`${server.origin}/hang`);
      await until('the request to arrive', () => server.hitsOf('/hang') === 1);
      assert.equal(server.closedAfter('/hang'), false);
      await assert.rejects(call, isTimeout(80));
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 75 && elapsed < 1_000, `settled after ${elapsed} ms`);
      await until('the server to see the socket close', () => server.closedAfter('/hang'));
      assert.deepEqual(totals(client), [1, 0, 1, 0]);
    } finally {
      await client.close();
    }
  });

  it('cuts a slow answer short, and lets one that comes in time through', async () => {
    const client = new ResilientHttpClient({ timeout: 100 });
    try {
      await assert.rejects(client.get(`${server.origin}/slow?ms=400`), isTimeout(100));
      const res = await client.get(`${server.origin}/slow?ms=10`);
      assert.equal(await res.text(), 'slow');
      assert.deepEqual(totals(client), [2, 1, 1, 0]);
    } finally {
      await client.close();
    }
  });

  it('can be set per request, Infinity for none', async () => {
    const client = new ResilientHttpClient({ timeout: 30 });
    try {
      await assert.rejects(client.get(`${server.origin}/hang`, { timeout: 60 }), isTimeout(60));
      const res = await client.get(`${server.origin}/slow?ms=80`, { timeout: Infinity });
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await client.close();
    }
  });

  it('covers the body: a body that stops coming fails the reader and the breaker', async () => {
    const client = new ResilientHttpClient({ timeout: 100 });
    try {
      const res = await client.get(`${server.origin}/drip`);
      assert.equal(res.status, 200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      assert.equal(Buffer.from(first.value ?? []).toString(), 'first chunk');
      assert.equal(server.closedAfter('/drip'), false);
      await assert.rejects(reader.read(), isTimeout(100));
      await until('the server to see the socket close', () => server.closedAfter('/drip'));
      assert.deepEqual(totals(client), [1, 0, 1, 0]);
    } finally {
      await client.close();
    }
  });

  it('does not blame the origin when time runs out on a body nobody reads', async () => {
    // Long enough for the status line to arrive on a loaded machine (120 ms was not, at load 20).
    const client = new ResilientHttpClient({ timeout: 600 });
    try {
      const res = await client.get(`${server.origin}/big?bytes=${8 * 1024 * 1024}`);
      await until('the server to see the socket close', () => server.closedAfter('/big'));
      // The client held 64 KiB and paused: the origin was fine, the reader was not there.
      assert.deepEqual(totals(client), [1, 1, 0, 0]);
      await assert.rejects(res.arrayBuffer(), isTimeout(600));
    } finally {
      await client.close();
    }
  });
});

describe("the caller's signal", () => {
  it('rejects with its reason at once, closes the connection, and counts nothing against the origin', async () => {
    const client = new ResilientHttpClient();
    try {
      const hits = server.hitsOf('/hang');
      const controller = new AbortController();
      const call = client.get(`${server.origin}/hang`, { signal: controller.signal });
      await until('the request to reach the server', () => server.hitsOf('/hang') === hits + 1);
      const reason = new Error('user navigated away');
      controller.abort(reason);
      await assert.rejects(call, (e) => e === reason);
      await until('the server to see the socket close', () => server.closedAfter('/hang'));
      assert.deepEqual(totals(client), [1, 0, 0, 1]);
    } finally {
      await client.close();
    }
  });

  it('settles a request still waiting for a connection, which then never goes out', async () => {
    const client = new ResilientHttpClient({ agent: { connections: 1 } });
    try {
      const first = new AbortController();
      const hits = server.hitsOf('/hang');
      const blocking = client.get(`${server.origin}/hang`, { signal: first.signal });
      await until(
        'the first request to reach the server',
        () => server.hitsOf('/hang') === hits + 1,
      );
      const okHits = server.hitsOf('/ok');
      const second = new AbortController();
      const queued = client.get(`${server.origin}/ok`, { signal: second.signal });
      second.abort();
      await assert.rejects(queued, { name: 'AbortError' });
      first.abort();
      await assert.rejects(blocking, { name: 'AbortError' });
      // The connection is free again, and the queued request was dropped, not sent.
      const res = await client.get(`${server.origin}/404`);
      assert.equal(res.status, 404);
      await res.text();
      assert.equal(server.hitsOf('/ok'), okHits);
      assert.deepEqual(totals(client), [3, 1, 0, 2]);
    } finally {
      await client.close();
    }
  });
});

describe('destroy()', () => {
  it('ends the requests in flight, bodies included, without blaming the origin', async () => {
    const client = new ResilientHttpClient({ breaker: { readyToTrip: () => false } });
    const breaker = client.breakerFor(server.origin);
    const hits = server.hitsOf('/hang');
    const waiting = client.get(`${server.origin}/hang`);
    const res = await client.get(`${server.origin}/drip`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await until('the hanging request to arrive', () => server.hitsOf('/hang') === hits + 1);
    await client.destroy();
    await assert.rejects(waiting, { code: 'UND_ERR_DESTROYED' });
    await assert.rejects(reader.read(), { code: 'UND_ERR_DESTROYED' });
    await until(
      'the server to see both sockets close',
      () => server.closedAfter('/hang') && server.closedAfter('/drip'),
    );
    // No failure: the client was shut down, the origin did nothing wrong. The hanging request is
    // excluded; the other had its success status, and losing its body was the caller's doing.
    const c = breaker.counts;
    assert.deepEqual(
      [c.requests, c.totalSuccesses, c.totalFailures, c.totalExclusions],
      [2, 1, 0, 1],
    );
    await assert.rejects(client.get(`${server.origin}/ok`), { code: 'ERR_HTTP_CLIENT_CLOSED' });
  });
});

describe('close()', () => {
  it('waits for the requests in flight, bodies included, and then closes every connection', async () => {
    const client = new ResilientHttpClient();
    const res = await client.get(`${server.origin}/big?bytes=${1024 * 1024}`);
    let closed = false;
    const closing = client.close().then(() => {
      closed = true;
    });
    await assert.rejects(client.get(`${server.origin}/ok`), { code: 'ERR_HTTP_CLIENT_CLOSED' });
    assert.equal(closed, false);
    assert.equal((await res.arrayBuffer()).byteLength, 1024 * 1024);
    await closing;
    await until('the server to see the socket close', () => server.closedAfter('/big'));
  });
});
