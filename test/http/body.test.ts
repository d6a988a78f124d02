// The Response the client resolves with: a WHATWG Response whose body is read as it arrives,
// and whose failures reach both the reader and the breaker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResilientHttpClient } from '../../src/http/index.js';
import { startServer, until, type TestServer } from './server.js';

let server: TestServer;
let client: ResilientHttpClient;
before(async () => {
  server = await startServer();
  client = new ResilientHttpClient({ breaker: { readyToTrip: () => false } });
});
after(async () => {
  await client.close();
  await server.close();
});

function counts(): [number, number] {
  const c = client.breakerFor(server.origin).counts;
  return [c.totalSuccesses, c.totalFailures];
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.byteLength;
  return bytes;
}

describe('the response', () => {
  it('is a WHATWG Response, with every header as sent', async () => {
    const res = await client.get(`${server.origin}/cookies`);
    assert.ok(res instanceof Response, 'instanceof Response');
    assert.equal(Object.prototype.toString.call(res), '[object Response]');
    assert.equal(res.headers, res.headers);
    assert.deepEqual(res.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/']);
    assert.equal(res.headers.get('content-type'), 'application/x-www-form-urlencoded');
    assert.equal(res.bodyUsed, false);
    const form = await res.formData();
    assert.deepEqual(
      [...form.entries()],
      [
        ['x', '1'],
        ['y', 'two'],
      ],
    );
    assert.equal(res.bodyUsed, true);
  });

  it('reads its body once, by any of the body methods', async () => {
    const json = await client.get(`${server.origin}/echo`);
    const parsed = (await json.json()) as { method: string };
    assert.equal(parsed.method, 'GET');
    await assert.rejects(json.text(), {
      name: 'TypeError',
      message: 'Body is unusable: Body has already been read',
    });

    const blob = await (await client.get(`${server.origin}/404`)).blob();
    assert.equal(blob.type, 'text/plain');
    assert.equal(await blob.text(), 'not found');

    const buffer = await (await client.get(`${server.origin}/ok`)).arrayBuffer();
    assert.equal(Buffer.from(buffer).toString(), 'ok');
    assert.equal(buffer.byteLength, 2);

    const withBytes = (await client.get(`${server.origin}/status?code=200&bytes=5`)) as Response & {
      bytes(): Promise<Uint8Array>;
    };
    const bytes = await withBytes.bytes();
    assert.ok(bytes instanceof Uint8Array, 'bytes() gives a Uint8Array');
    assert.equal(Buffer.from(bytes).toString(), 'sssss');
  });

  it('gives its body as a byte stream, which locks out the body methods as the standard says', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const res = await client.get(`${server.origin}/big?bytes=${size}`);
    const body = res.body as ReadableStream<Uint8Array>;
    assert.equal(res.body, body);
    const reader = body.getReader({ mode: 'byob' });
    const first = await reader.read(new Uint8Array(10));
    assert.equal(first.value?.byteLength, 10);
    reader.releaseLock();
    assert.equal(res.bodyUsed, true);
    await assert.rejects(res.text(), TypeError);
    const rest = await readAll(body);
    assert.equal(10 + rest, size);
  });

  it('streams a large body whole through arrayBuffer()', async () => {
    const size = 2 * 1024 * 1024;
    const res = await client.get(`${server.origin}/big?bytes=${size}`);
    const buffer = await res.arrayBuffer();
    assert.equal(buffer.byteLength, size);
    assert.equal(
      Buffer.from(buffer)
        .subarray(size - 3)
        .toString(),
      'bbb',
    );
  });

  it('clones: both copies read the whole body', async () => {
    const res = await client.get(`${server.origin}/echo`);
    const copy = res.clone();
    assert.ok(copy instanceof Response, 'the clone is a Response');
    assert.equal(copy.status, 200);
    assert.equal(copy.headers.get('content-type'), 'application/json');
    const [a, b] = await Promise.all([res.text(), copy.text()]);
    assert.equal(a, b);
    assert.match(a, /^\{"method":"GET"/);
    assert.throws(() => res.clone(), TypeError);
  });

  it('has no body for HEAD requests and for 204 and 304', async () => {
    const head = await client.request(`${server.origin}/ok`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
    const empty = await client.get(`${server.origin}/status?code=204`);
    assert.equal(empty.body, null);
    assert.equal(await empty.text(), '');
    const notModified = await client.get(`${server.origin}/status?code=304`);
    assert.equal(notModified.body, null);
  });

  it('gives an empty body for a 200 without content', async () => {
    const res = await client.get(`${server.origin}/status?code=200`);
    assert.notEqual(res.body, null);
    assert.equal(await res.text(), '');
  });
});

describe('a body that breaks off', () => {
  it('fails the reader with the network error and counts a failure for the origin', async () => {
    const [successes, failures] = counts();
    const res = await client.get(`${server.origin}/half`);
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'UND_ERR_SOCKET');
      assert.equal((e as Error).message, 'other side closed');
      return true;
    });
    assert.deepEqual(counts(), [successes, failures + 1]);
  });

  it('fails a stream reader the same way', async () => {
    const res = await client.get(`${server.origin}/half`);
    await assert.rejects(readAll(res.body as ReadableStream<Uint8Array>), {
      code: 'UND_ERR_SOCKET',
    });
  });
});

describe('a cancelled body', () => {
  it('is read off the connection and dropped when little is left (under 128 KiB), keeping the connection', async () => {
    const [successes, failures] = counts();
    const res = await client.get(`${server.origin}/big?bytes=${100 * 1024}`);
    await (res.body as ReadableStream<Uint8Array>).cancel();
    await until('the body to be drained', () => counts()[0] === successes + 1);
    assert.deepEqual(counts(), [successes + 1, failures]);
    assert.equal(server.closedAfter('/big'), false);
  });

  it('closes the connection when much is left, and the status still counts as a success', async () => {
    const [successes, failures] = counts();
    const res = await client.get(`${server.origin}/big?bytes=${16 * 1024 * 1024}`);
    await (res.body as ReadableStream<Uint8Array>).cancel();
    await until('the connection to close', () => server.closedAfter('/big'));
    assert.deepEqual(counts(), [successes + 1, failures]);
  });
});
