// The fault proxy's control API driven by toxiproxy-node-client, an unmodified Toxiproxy client,
// plus raw requests for the error bodies (the client turns them into a bare status message).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { FaultProxy } from '../../src/chaos/index.js';
import { Client, echoServer, portOf } from './support.js';

let fp: FaultProxy;
let api: string;
let echo: Awaited<ReturnType<typeof echoServer>>;

before(async () => {
  echo = await echoServer();
  fp = new FaultProxy();
  const address = await fp.listen({ host: '127.0.0.1', port: 0 });
  api = `http://127.0.0.1:${address.port}`;
});
after(async () => {
  await fp.close();
  await echo.close();
});

async function raw(method: string, path: string, body?: unknown) {
  const res = await fetch(api + path, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const latency = (ms: number, name?: string): ICreateToxicBody<Latency> =>
  ({
    type: 'latency',
    attributes: { latency: ms, jitter: 0 },
    ...(name ? { name } : {}),
  }) as ICreateToxicBody<Latency>;

describe('control API with toxiproxy-node-client', () => {
  const client = () => new Toxiproxy(api);

  test('version, create on port 0 (the reply shows the port), list, get, bytes flow', async () => {
    assert.match(await client().getVersion(), /"version":"\d+\.\d+\.\d+"/);
    const proxy = await client().createProxy({
      name: 'echo1',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    assert.equal(proxy.enabled, true);
    assert.ok(portOf(proxy.listen) > 0, proxy.listen);
    const all = await client().getAll();
    assert.deepEqual(Object.keys(all), ['echo1']);
    assert.equal((await client().get('echo1')).listen, proxy.listen);
    const c = await Client.open(portOf(proxy.listen));
    c.socket.write('hello');
    await c.bytes(5);
    assert.equal(c.received, 'hello');
    c.destroy();
    await proxy.remove();
    assert.deepEqual(Object.keys(await client().getAll()), []);
  });

  test('enabled: false drops open connections and refuses new ones; true listens again', async () => {
    const proxy = await client().createProxy({
      name: 'echo2',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const port = portOf(proxy.listen);
    const open = await Client.open(port);
    open.socket.write('a');
    await open.bytes(1);
    const down = await proxy.update({
      enabled: false,
      listen: proxy.listen,
      upstream: proxy.upstream,
    });
    assert.equal(down.enabled, false);
    await open.whenClosed();
    const refused = new Client(port);
    await refused.whenClosed();
    assert.equal(refused.error?.code, 'ECONNREFUSED');
    const up = await down.update({ enabled: true, listen: down.listen, upstream: down.upstream });
    assert.equal(up.listen, proxy.listen);
    const again = await Client.open(port);
    again.socket.write('b');
    await again.bytes(1);
    again.destroy();
    await up.remove();
  });

  test('toxics: default name <type>_<stream>, get, update merges, remove, reset', async () => {
    const proxy = await client().createProxy({
      name: 'echo3',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const toxic = await proxy.addToxic(latency(100));
    assert.deepEqual(toxic.toJson(), {
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 100, jitter: 0 },
    });
    const up = await proxy.addToxic({ ...latency(5), stream: 'upstream' });
    assert.equal(up.name, 'latency_upstream');
    const updated = await toxic.update({
      ...toxic.toJson(),
      attributes: { latency: 300, jitter: 10 },
    });
    assert.deepEqual(updated.attributes, { latency: 300, jitter: 10 });
    assert.deepEqual((await proxy.getToxic('latency_downstream')).attributes, updated.attributes);
    await up.remove();
    assert.deepEqual((await raw('GET', '/proxies/echo3/toxics')).body, [updated.toJson()]);
    await client().reset();
    assert.deepEqual((await raw('GET', '/proxies/echo3/toxics')).body, []);
    await proxy.remove();
  });

  test('the client sees refusals as errors: a taken name, an unknown proxy', async () => {
    const body = { name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` };
    await client().createProxy(body);
    await assert.rejects(client().createProxy(body), /status code 409/);
    await assert.rejects(client().get('nope'), /status code 404/);
    await (await client().get('dup')).remove();
  });
});

describe('control API errors name the field and the value', () => {
  test('bad proxy bodies: every field at once, with the value', async () => {
    const res = await raw('POST', '/proxies', {
      name: '',
      listen: 'nope',
      upstream: 'h:0',
      enabeld: true,
    });
    assert.equal(res.status, 400);
    const { error, status } = res.body as { error: string; status: number };
    assert.equal(status, 400);
    assert.match(error, /enabeld: unknown key \(did you mean "enabled"\?\)/);
    assert.match(error, /name: expected a non-empty string, got ""/);
    assert.match(error, /listen: expected an address host:port .*got "nope"/);
    assert.match(error, /upstream: expected an address host:port \(port 1 to 65535\), got "h:0"/);
    assert.match((await raw('POST', '/proxies', '{"name":')).body?.toString() ?? '', /object/);
  });

  test('bad JSON, bad toxic bodies, unknown toxic, unknown route', async () => {
    const bad = await raw('POST', '/proxies', '{"name":');
    assert.equal(bad.status, 400);
    assert.match((bad.body as { error: string }).error, /^bad request body: /);
    await raw('POST', '/proxies', {
      name: 't',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const cases: [unknown, RegExp][] = [
      [{ type: 'latncy' }, /type: expected one of latency, bandwidth, .*got "latncy"/],
      [{ type: 'latency', toxicty: 1 }, /toxicty: unknown key \(did you mean "toxicity"\?\)/],
      [{ type: 'latency', toxicity: 2 }, /toxicity: expected a number from 0 to 1, got 2/],
      [{ type: 'latency', stream: 'up' }, /stream: expected "upstream" or "downstream", got "up"/],
      [
        { type: 'latency', attributes: { latency: 'abc' } },
        /attributes.latency: expected a number >= 0, got "abc"/,
      ],
      [{ type: 'bandwidth', attributes: { latency: 1 } }, /attributes.latency: unknown key/],
      [[1], /\(root\): expected a toxic object, got/],
    ];
    for (const [body, message] of cases) {
      const res = await raw('POST', '/proxies/t/toxics', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match((res.body as { error: string }).error, message);
    }
    await raw('POST', '/proxies/t/toxics', { type: 'timeout' });
    const change = await raw('POST', '/proxies/t/toxics/timeout_downstream', { type: 'latency' });
    assert.equal(change.status, 400);
    assert.match((change.body as { error: string }).error, /type: cannot change a toxic's type/);
    assert.deepEqual((await raw('POST', '/proxies/t/toxics', { type: 'timeout' })).body, {
      error: 'toxic already exists',
      status: 409,
    });
    assert.deepEqual((await raw('GET', '/proxies/t/toxics/x')).body, {
      error: 'toxic not found',
      status: 404,
    });
    assert.deepEqual((await raw('DELETE', '/proxies/x')).body, {
      error: 'proxy not found',
      status: 404,
    });
    assert.equal((await raw('GET', '/nothing')).status, 404);
    assert.equal((await raw('PUT', '/proxies')).status, 405);
    assert.equal((await raw('DELETE', '/proxies/t')).status, 204);
  });

  test('populate creates many, keeps an unchanged one, checks all items by index', async () => {
    const up = `127.0.0.1:${echo.port}`;
    const first = await raw('POST', '/populate', [
      { name: 'p1', listen: '127.0.0.1:0', upstream: up },
    ]);
    assert.equal(first.status, 201);
    const [p1] = (first.body as { proxies: { listen: string }[] }).proxies;
    const again = await raw('POST', '/populate', [
      { name: 'p1', listen: '127.0.0.1:0', upstream: up },
      { name: 'p2', listen: '127.0.0.1:0', upstream: up },
    ]);
    const proxies = (again.body as { proxies: { name: string; listen: string }[] }).proxies;
    assert.equal(proxies[0]?.listen, p1?.listen);
    assert.equal(proxies[1]?.name, 'p2');
    const bad = await raw('POST', '/populate', [{ name: 'p3', listen: 'x', upstream: up }, 7]);
    assert.equal(bad.status, 400);
    assert.match(
      (bad.body as { error: string }).error,
      /\[0\]\.listen: .*got "x"; \[1\]: expected a proxy object, got 7/,
    );
    await raw('DELETE', '/proxies/p1');
    await raw('DELETE', '/proxies/p2');
  });
});
