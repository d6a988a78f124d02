// `breakwater demo` as a real process: its one local port serves the dashboard, its event
// stream, /metrics, /livez and /readyz; it binds loopback only; SIGTERM with a page connected
// still stops it cleanly; a port that is taken is an error.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import type { DashboardSnapshot } from '../../src/dashboard/index.js';
import { openEvents } from '../dashboard/sse-client.js';
import { startDemo } from './demo-process.js';

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** Resolves true when a TCP connection to host:port opens. */
function opens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

describe('breakwater demo (server)', { concurrency: true }, () => {
  it('serves everything on one loopback port and stops cleanly on SIGTERM with a page open', async () => {
    const demo = await startDemo(['--port', '0', '--duration', '60s', '--speed', '2']);
    try {
      assert.match(
        demo.stdout(),
        /^metrics: {3}http:\/\/127\.0\.0\.1:\d+\/metrics {3}health: \/livez \/readyz$/m,
      );
      assert.deepEqual(await get(`${demo.url}livez`), {
        status: 200,
        type: 'text/plain; charset=utf-8',
        body: 'ok\n',
      });
      const ready = await get(`${demo.url}readyz?verbose`);
      assert.equal(ready.status, 200);
      assert.match(ready.body, /^\[\+\]payments ok/m);

      const metrics = await get(`${demo.url}metrics`);
      assert.equal(metrics.status, 200);
      for (const name of ['payments', 'inventory', 'shipping']) {
        assert.match(
          metrics.body,
          new RegExp(
            `^breakwater_circuitbreaker_state\\{name="${name}",state="closed"\\} [01]$`,
            'm',
          ),
        );
      }

      const page = await get(demo.url);
      assert.equal(page.status, 200);
      assert.ok(page.body.includes('<title>breakwater demo</title>'));

      const snapshot = JSON.parse((await get(`${demo.url}api/snapshot`)).body) as DashboardSnapshot;
      assert.deepEqual(
        snapshot.breakers.map((b) => b.name),
        ['inventory', 'payments', 'shipping'],
      );
      const details = snapshot.breakers.map((b) => b.detail ?? '');
      assert.match(details[0] ?? '', /^in process · healthy$/);
      assert.match(details[1] ?? '', /^HTTP 127\.0\.0\.1:\d+ · healthy$/);
      assert.match(details[2] ?? '', /^HTTP 127\.0\.0\.1:\d+ · flaky$/);
      assert.deepEqual(
        [snapshot.fleet.cascade.source, snapshot.fleet.cascade.threshold],
        ['manager', 50],
      );

      // Bound to 127.0.0.1 only: another address of this machine does not answer.
      const other = Object.values(networkInterfaces())
        .flat()
        .find((a) => a?.family === 'IPv4' && !a.internal);
      if (other) assert.equal(await opens(other.address, demo.port), false, other.address);

      const events = await openEvents(`${demo.url}events`);
      assert.equal((await events.next()).event, 'snapshot');
      assert.equal((await events.nextOf('update', 3000)).event, 'update');

      const started = performance.now();
      const exit = await demo.stop('SIGTERM');
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(performance.now() - started < 5000, 'stopped promptly');
      await events.ended;
      assert.equal(demo.stderr(), '');
      assert.match(demo.stdout(), /^Summary after \d+\.\ds \(stopped\):$/m);
      assert.match(demo.stdout(), /^Transitions \(\d+\):$/m);
      assert.equal(await opens('127.0.0.1', demo.port), false, 'the port is closed');
    } finally {
      await demo.stop('SIGKILL');
    }
  });

  it('exits 1 naming the port when the port asked for is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(
        startDemo(['--port', String(port), '--duration', '5s']),
        (error: Error) => {
          assert.match(
            error.message,
            /^breakwater demo exited with 1 before printing its URL:\n\n/,
          );
          assert.ok(
            error.message.endsWith(
              `breakwater demo: cannot serve on 127.0.0.1 port ${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
            ),
            error.message,
          );
          return true;
        },
      );
    } finally {
      blocker.close();
    }
  });
});
