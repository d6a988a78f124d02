import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DemoGateway } from './gateway.js';

describe('DemoGateway', () => {
  it('calls two dependencies over loopback HTTP and one in process, then closes its servers', async () => {
    // One healthy second of the story: the wiring, not the outage (the CLI tests play that).
    const gateway = await DemoGateway.start({ duration: 1000 });
    const services = gateway.scenario.services;
    const origins = services.map((s) => s.client.via);
    try {
      assert.deepEqual(
        services.map((s) => [s.name, s.breaker.name, s.thirdParty]),
        [
          ['payments', 'payments', undefined],
          ['inventory', 'inventory', undefined],
          ['shipping', 'shipping', 'a flaky third-party API'],
        ],
      );
      // The breakers are the manager's, and the source has the same ones.
      assert.deepEqual(
        services.map((s) => s.breaker),
        services.map((s) => gateway.manager.peek(s.name)),
      );
      assert.deepEqual(
        [...gateway.source.breakers()],
        services.map((s) => s.breaker),
      );
      assert.deepEqual(gateway.cascade, { threshold: 50, minimumOpen: 2 });
      assert.match(origins[0] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(origins[1], 'in process');
      assert.match(origins[2] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
      const [payments, inventory] = services.map((s) => s.breaker);
      assert.ok(payments && inventory);
      assert.match(gateway.describe(payments) ?? '', /^HTTP 127\.0\.0\.1:\d+ · healthy$/);
      assert.equal(gateway.describe(inventory), 'in process · healthy');

      const summary = await gateway.scenario.run();
      assert.deepEqual(summary.transitions, []);
      for (const s of summary.services) {
        assert.equal(s.total.attempted, 50, s.name);
        assert.equal(s.total.through, 50, s.name);
        assert.equal(s.total.succeeded + s.total.failed + s.total.cancelled, 50, s.name);
      }
    } finally {
      await gateway.close();
    }
    for (const origin of [origins[0], origins[2]]) {
      await assert.rejects(fetch(`${origin ?? ''}/ping`), { name: 'TypeError' });
    }
  });
});
