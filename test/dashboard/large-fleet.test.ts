// The dashboard's event stream with 10,000 breakers on a real loopback server: the first
// snapshot (several MiB, more than the 1 MiB a client may fall behind) is sent at the reader's
// pace instead of dropping the client, and a reader that stops reading is neither dropped nor
// sent every update it missed: it gets the latest one when it reads again.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { dashboard, type DashboardSnapshot } from '../../src/dashboard/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { openEvents } from './sse-client.js';

const COUNT = 10_000;

describe('the dashboard with 10,000 breakers', { timeout: 120_000 }, () => {
  it('streams the first snapshot whole and keeps slow readers connected', async () => {
    const clock = new ManualClock(1_000_000);
    const breakers = Array.from(
      { length: COUNT },
      (_, i) => new CircuitBreaker({ name: `service-${String(i).padStart(5, '0')}`, clock }),
    );
    const board = dashboard(breakers, { clock });
    for (const b of breakers) await b.tryExecute(() => 'ok');
    const server = createServer((req, res) => {
      board(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    try {
      const fast = await openEvents(url);
      const first = await fast.next(60_000);
      assert.equal(first.event, 'snapshot');
      assert.ok(first.data.length > 2 * (1 << 20), `the snapshot is ${first.data.length} bytes`);
      const snapshot = JSON.parse(first.data) as DashboardSnapshot;
      assert.equal(snapshot.breakers.length, COUNT);
      assert.equal(snapshot.breakers[COUNT - 1]?.name, 'service-09999');
      assert.equal(snapshot.breakers[COUNT - 1]?.totals.ok, 1);
      assert.equal(snapshot.fleet.total, COUNT);

      // A reader that stops reading: the updates it cannot take are replaced by the latest.
      const slow = await openEvents(url);
      slow.response.pause();
      const ticks = 4;
      for (let i = 1; i <= ticks; i++) {
        clock.advance(1000);
        // Each update is several MiB: give the server time to write what the sockets take.
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(board.clients, 2, 'nobody was dropped');
      slow.response.resume();
      assert.equal((await slow.next(60_000)).event, 'snapshot');
      const updates: DashboardSnapshot[] = [];
      while (updates.at(-1)?.at !== 1_000_000 + ticks * 1000) {
        const e = await slow.nextOf('update', 60_000);
        updates.push(JSON.parse(e.data) as DashboardSnapshot);
      }
      assert.ok(updates.length < ticks, `${updates.length} of ${ticks} updates were sent`);
      assert.equal(updates.at(-1)?.breakers.length, COUNT);

      // The reader that kept reading has the latest update too, and still gets transitions.
      let latest: DashboardSnapshot | undefined;
      while (latest?.at !== 1_000_000 + ticks * 1000) {
        latest = JSON.parse((await fast.nextOf('update', 60_000)).data) as DashboardSnapshot;
      }
      breakers[0]?.forceOpen();
      const t = await fast.nextOf('transition', 60_000);
      assert.equal((JSON.parse(t.data) as { name: string }).name, 'service-00000');
      assert.equal(board.clients, 2);
      fast.close();
      slow.close();
    } finally {
      board.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
