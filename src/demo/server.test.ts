import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { fromBreakers } from '../manager/source.js';
import { DemoServer, serverUrl } from './server.js';

async function text(url: string, accept?: string) {
  const res = await fetch(url, accept ? { headers: { accept } } : {});
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

function breakers() {
  const payments = new CircuitBreaker({ name: 'payments' });
  const search = new CircuitBreaker({ name: 'search' });
  return { payments, search, source: fromBreakers(payments, search) };
}

describe('DemoServer', () => {
  it('serves the dashboard, /metrics, /livez and /readyz on one loopback port', async () => {
    const { payments, search, source } = breakers();
    search.forceOpen();
    const server = await DemoServer.start({ port: 0, target: source, source, title: 'demo <1>' });
    try {
      // Counted from the moment the server (its metrics) started watching.
      await payments.execute(() => 'ok');
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
      assert.equal(server.fellBack, false);

      const page = await text(server.url);
      assert.equal(page.status, 200);
      assert.ok(page.body.includes('<title>demo &lt;1&gt;</title>'));

      const metrics = await text(`${server.url}metrics`);
      assert.equal(metrics.status, 200);
      assert.match(String(metrics.type), /^text\/plain; version=0\.0\.4/);
      const lines = metrics.body.split('\n');
      for (const line of [
        'breakwater_circuitbreaker_state{name="payments",state="closed"} 1',
        'breakwater_circuitbreaker_state{name="search",state="open"} 1',
        'breakwater_circuitbreaker_state{name="search",state="closed"} 0',
        'breakwater_circuitbreaker_calls_seconds_count{name="payments",kind="successful"} 1',
      ]) {
        assert.ok(lines.includes(line), `${line} in\n${metrics.body}`);
      }

      assert.deepEqual(await text(`${server.url}livez`), {
        status: 200,
        type: 'text/plain; charset=utf-8',
        body: 'ok\n',
      });
      const ready = await text(`${server.url}readyz?verbose`);
      assert.equal(ready.status, 200, 'an open breaker that is not critical leaves it ready');
      assert.match(ready.body, /^\[\+\]search ok: circuit forced open \(not critical\)$/m);

      const snapshot = JSON.parse((await text(`${server.url}api/snapshot`)).body) as {
        breakers: { name: string; state: string }[];
        links: { href: string }[];
      };
      assert.deepEqual(
        snapshot.breakers.map((b) => [b.name, b.state]),
        [
          ['payments', 'closed'],
          ['search', 'open'],
        ],
      );
      assert.deepEqual(
        snapshot.links.map((l) => l.href),
        ['metrics', 'livez?verbose', 'readyz?verbose', 'api/snapshot'],
      );
      assert.equal((await text(`${server.url}nothing`)).status, 404);
      const post = await fetch(`${server.url}metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
      await post.text();
    } finally {
      await server.close();
    }
  });

  it('takes a free port instead of a busy one only when allowed to', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const busy = (blocker.address() as AddressInfo).port;
    const { source } = breakers();
    try {
      await assert.rejects(DemoServer.start({ port: busy, target: source, source }), {
        code: 'EADDRINUSE',
      });
      const server = await DemoServer.start({ port: busy, fallback: true, target: source, source });
      assert.equal(server.fellBack, true);
      assert.notEqual(server.port, busy);
      await server.close();
    } finally {
      blocker.close();
    }
  });

  it('shows a wildcard host as loopback and puts IPv6 in brackets', () => {
    assert.equal(serverUrl('127.0.0.1', 80), 'http://127.0.0.1:80/');
    assert.equal(serverUrl('0.0.0.0', 8080), 'http://127.0.0.1:8080/');
    assert.equal(serverUrl('::', 8080), 'http://[::1]:8080/');
    assert.equal(serverUrl('::1', 9), 'http://[::1]:9/');
    assert.equal(serverUrl('localhost', 9), 'http://localhost:9/');
  });
});
