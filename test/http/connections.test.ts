// The client's own agent against a real loopback server: many requests in flight share a
// bounded number of sockets per origin, and origins can be named as services so that one
// manager (and a config file) knows them as `pricing`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CircuitBreakerManager } from '../../src/manager/index.js';
import { DEFAULT_CONNECTIONS } from '../../src/http/client-options.js';
import { ResilientHttpClient } from '../../src/http/index.js';
import { startServer, type TestServer } from './server.js';

describe('the client agent and service names', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it(`opens at most ${DEFAULT_CONNECTIONS} sockets to an origin however many requests are in flight`, async () => {
    const client = new ResilientHttpClient();
    const before = server.connections;
    const inFlight = DEFAULT_CONNECTIONS * 3;
    const responses = await Promise.all(
      Array.from({ length: inFlight }, () => client.get(`${server.origin}/slow?ms=50`)),
    );
    for (const res of responses) assert.equal(await res.text(), 'slow');
    const opened = server.connections - before;
    assert.ok(opened <= DEFAULT_CONNECTIONS, `${opened} sockets for ${inFlight} requests`);
    assert.ok(opened > 1, 'requests still run side by side');
    assert.equal(client.breakerFor(server.origin).counts.totalSuccesses, inFlight);
    await client.close();
  });

  it('takes agent.connections instead of the default', async () => {
    const client = new ResilientHttpClient({ agent: { connections: 2 } });
    const before = server.connections;
    await Promise.all(
      Array.from({ length: 10 }, async () => (await client.get(`${server.origin}/ok`)).text()),
    );
    assert.ok(server.connections - before <= 2);
    await client.close();
  });

  it("names an origin's breaker by the service option: one manager breaker, configured by name", async () => {
    const manager = new CircuitBreakerManager({
      services: { pricing: { consecutiveFailures: 1, timeout: 60_000 } },
    });
    const client = new ResilientHttpClient({ manager, service: { [server.origin]: 'pricing' } });
    const breaker = client.breakerFor(`${server.origin}/any/path`);
    assert.equal(breaker.name, 'pricing');
    assert.equal(breaker, manager.get('pricing'));
    await (await client.get(`${server.origin}/500`)).text();
    assert.equal(manager.get('pricing').state, 'open', 'tripped by its config file settings');
    await assert.rejects(client.get(`${server.origin}/ok`), { name: 'BreakerOpenError' });
    assert.deepEqual(
      [...manager.breakers()].map((b) => b.name),
      ['pricing'],
    );
    await client.close();
    manager.close();
  });

  it('maps a request to a service with a function, and refuses a bad mapping naming it', async () => {
    const client = new ResilientHttpClient({
      service: ({ path }) => (path.startsWith('/5') ? 'errors' : undefined),
    });
    await (await client.get(`${server.origin}/500`)).text();
    await (await client.get(`${server.origin}/ok`)).text();
    assert.equal(client.manager.get('errors').counts.totalFailures, 1);
    assert.equal(client.breakerFor(`${server.origin}/ok`).name, server.origin);
    await client.close();
    assert.throws(() => new ResilientHttpClient({ service: { 'not an origin': 'x' } }), {
      name: 'TypeError',
      message: /^ResilientHttpClient option service key must be an origin/,
    });
    assert.throws(() => new ResilientHttpClient({ service: { [server.origin]: '' } }), {
      name: 'TypeError',
      message: `ResilientHttpClient option service["${server.origin}"] must be a non-empty service name, got ""`,
    });
  });
});
