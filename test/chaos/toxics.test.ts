// Byte-level behaviour of every toxic, through raw sockets to real servers on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FaultProxy } from '../../src/chaos/index.js';
import { seededRandom } from '../../src/testing/index.js';
import { Client, echoServer, portOf, sleep, tcpServer } from './support.js';

let fp: FaultProxy;
let echo: Awaited<ReturnType<typeof echoServer>>;
let n = 0;

before(async () => {
  echo = await echoServer();
  fp = new FaultProxy({ random: seededRandom(7) });
});
after(async () => {
  await fp.close();
  await echo.close();
});

/** A fresh proxy in front of `upstream` (the echo server by default), with its port. */
async function proxy(upstream = echo.port): Promise<{ name: string; port: number }> {
  const name = `p${++n}`;
  const info = await fp.create({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
  return { name, port: portOf(info.listen) };
}

/** Time for one echo of `text` through `port`. */
async function roundTrip(port: number, text = 'ping'): Promise<number> {
  const c = await Client.open(port);
  const start = Date.now();
  c.socket.write(text);
  const at = await c.bytes(text.length);
  c.destroy();
  return at - start;
}

describe('toxics on the bytes', () => {
  test('latency delays each direction by its stream; a toxic reaches open connections', async () => {
    const p = await proxy();
    assert.ok((await roundTrip(p.port)) < 100);
    fp.addToxic(p.name, { type: 'latency', attributes: { latency: 150 } });
    assert.ok((await roundTrip(p.port)) >= 150);
    fp.addToxic(p.name, { type: 'latency', stream: 'upstream', attributes: { latency: 100 } });
    assert.ok((await roundTrip(p.port)) >= 250);
    fp.removeToxic(p.name, 'latency_downstream');
    fp.removeToxic(p.name, 'latency_upstream');
    const open = await Client.open(p.port);
    fp.addToxic(p.name, { type: 'latency', attributes: { latency: 200 } });
    const start = Date.now();
    open.socket.write('x');
    assert.ok((await open.bytes(1)) - start >= 200);
    open.destroy();
  });

  test('removing a latency toxic lets the data it holds go on at once (as Toxiproxy)', async () => {
    const p = await proxy();
    fp.addToxic(p.name, { type: 'latency', attributes: { latency: 5000 } });
    const c = await Client.open(p.port);
    c.socket.write('held');
    await sleep(150);
    assert.equal(c.received, '');
    fp.removeToxic(p.name, 'latency_downstream');
    const at = await c.bytes(4);
    assert.ok(at - c.started < 2000, `${at - c.started} ms`);
    c.destroy();
  });

  test('toxicity 0 never applies', async () => {
    const p = await proxy();
    fp.addToxic(p.name, { type: 'latency', toxicity: 0, attributes: { latency: 500 } });
    assert.ok((await roundTrip(p.port)) < 400);
  });

  test('timeout 0 holds and drops data until removed, and keeps the connection', async () => {
    const p = await proxy();
    const c = await Client.open(p.port);
    fp.addToxic(p.name, { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    c.socket.write('lost');
    await sleep(300);
    assert.equal(c.received, '');
    assert.equal(c.closed, undefined);
    fp.removeToxic(p.name, 'timeout_upstream');
    c.socket.write('kept');
    await c.bytes(4);
    await sleep(50);
    assert.equal(c.received, 'kept');
    c.destroy();
  });

  test('timeout > 0 drops data and closes the connection after that long', async () => {
    const p = await proxy();
    fp.addToxic(p.name, { type: 'timeout', attributes: { timeout: 200 } });
    const c = await Client.open(p.port);
    c.socket.write('x');
    const closed = await c.whenClosed();
    assert.ok(closed - c.started >= 195, `${closed - c.started}`);
    assert.equal(c.received, '');
  });

  test('reset_peer resets the connection (ECONNRESET) after its timeout', async () => {
    const p = await proxy();
    fp.addToxic(p.name, { type: 'reset_peer', attributes: { timeout: 100 } });
    const c = await Client.open(p.port);
    await c.whenClosed();
    await sleep(20);
    assert.equal(c.error?.code, 'ECONNRESET');
    assert.ok((c.closed ?? 0) - c.started >= 95);
  });

  test('bandwidth paces at rate KB/s of 1000 bytes', async () => {
    const body = Buffer.alloc(100_000, 'a');
    const server = await tcpServer((s) => s.end(body));
    const p = await proxy(server.port);
    fp.addToxic(p.name, { type: 'bandwidth', attributes: { rate: 100 } });
    const c = await Client.open(p.port);
    const done = await c.bytes(body.length, 5000);
    // 100 KB/s of 1000 bytes: 1000 ms (with 1024-byte KB it would be 977 ms).
    assert.ok(done - c.started >= 990, `${done - c.started} ms`);
    assert.ok(done - c.started < 3000, `${done - c.started} ms`);
    c.destroy();
    await server.close();
  });

  test('slow_close delays the close after the data', async () => {
    const server = await tcpServer((s) => s.end('bye'));
    const p = await proxy(server.port);
    fp.addToxic(p.name, { type: 'slow_close', attributes: { delay: 250 } });
    const c = await Client.open(p.port);
    const got = await c.bytes(3);
    const ended = await c.whenClosed();
    assert.ok(got - c.started < 200);
    assert.ok(ended - c.started >= 245, `${ended - c.started}`);
    await server.close();
  });

  test('limit_data lets exactly `bytes` through, then closes', async () => {
    const server = await tcpServer((s) => s.end('0123456789abcdef'));
    const p = await proxy(server.port);
    fp.addToxic(p.name, { type: 'limit_data', attributes: { bytes: 10 } });
    const c = await Client.open(p.port);
    await c.whenClosed();
    await sleep(50);
    assert.equal(c.received, '0123456789');
    await server.close();
  });

  test('slicer cuts the data into pieces with a delay between them', async () => {
    const server = await tcpServer((s) => s.end(Buffer.alloc(50, 'z')));
    const p = await proxy(server.port);
    fp.addToxic(p.name, {
      type: 'slicer',
      attributes: { average_size: 10, size_variation: 2, delay: 20_000 },
    });
    const c = await Client.open(p.port);
    await c.bytes(50);
    assert.equal(c.received, 'z'.repeat(50));
    assert.ok(c.chunks.length >= 4, `${c.chunks.length} chunks`);
    await server.close();
  });

  test('a refused upstream closes the client', async () => {
    const closedPort = await tcpServer(() => undefined);
    const port = closedPort.port;
    await closedPort.close();
    const p = await proxy(port);
    const c = await Client.open(p.port);
    await c.whenClosed();
    assert.equal(fp.connections(p.name), 0);
  });
});
