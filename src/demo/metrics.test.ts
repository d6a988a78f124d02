import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { fromBreakers } from '../manager/source.js';
import { isMissingModule, startMetrics } from './metrics.js';
import { DemoServer, METRICS_MISSING } from './server.js';

function missing(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/x.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('the demo metrics', () => {
  it('export the breakers through prom-client when it is installed', async () => {
    const source = fromBreakers(new CircuitBreaker({ name: 'payments' }));
    const metrics = await startMetrics(source);
    assert.ok(metrics);
    assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
    assert.ok(
      (await metrics.text()).includes(
        'breakwater_circuitbreaker_state{name="payments",state="closed"} 1\n',
      ),
    );
    metrics.close();
    assert.equal(await metrics.text(), '\n', 'nothing exported once closed');
  });

  it('are left out when prom-client is missing, and other load errors still throw', async () => {
    const source = fromBreakers();
    assert.equal(
      await startMetrics(source, () => Promise.reject(missing('prom-client'))),
      undefined,
    );
    await assert.rejects(
      startMetrics(source, () => Promise.reject(missing('something-else'))),
      /something-else/,
    );
    assert.equal(isMissingModule(missing('prom-client'), 'prom-client'), true);
    assert.equal(isMissingModule(new Error("'prom-client'"), 'prom-client'), false);
  });

  it('make the server answer 503 with how to get them when not served', async () => {
    const source = fromBreakers();
    const server = await DemoServer.start({ port: 0, target: source, source, metrics: false });
    try {
      assert.equal(server.hasMetrics, false);
      const res = await fetch(`${server.url}metrics`);
      assert.deepEqual([res.status, await res.text()], [503, METRICS_MISSING]);
    } finally {
      await server.close();
    }
  });
});
