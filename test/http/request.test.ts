// What the client sends: method, headers and every kind of body, as the server receives them.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ResilientHttpClient, type HttpRequestInit } from '../../src/http/index.js';
import { startServer, type TestServer } from './server.js';

let server: TestServer;
let client: ResilientHttpClient;
before(async () => {
  server = await startServer();
  client = new ResilientHttpClient();
});
after(async () => {
  await client.close();
  await server.close();
});

interface Echo {
  method: string;
  headers: Record<string, string | undefined>;
  body: string;
}

async function echo(init: HttpRequestInit): Promise<Echo> {
  const res = await client.request(`${server.origin}/echo`, init);
  assert.equal(res.status, 200);
  return (await res.json()) as Echo;
}

describe('requests', () => {
  it('send headers given as Headers, pairs or a record', async () => {
    const fromHeaders = await echo({ headers: new Headers({ 'X-One': '1', 'x-two': '2' }) });
    assert.deepEqual([fromHeaders.headers['x-one'], fromHeaders.headers['x-two']], ['1', '2']);
    const fromPairs = await echo({
      headers: [
        ['x-one', '1'],
        ['x-two', '2'],
      ],
    });
    assert.deepEqual([fromPairs.headers['x-one'], fromPairs.headers['x-two']], ['1', '2']);
    const fromRecord = await echo({ headers: { 'x-one': '1', 'x-many': ['a', 'b'] } });
    assert.deepEqual([fromRecord.headers['x-one'], fromRecord.headers['x-many']], ['1', 'a, b']);
  });

  it('send every kind of body', async () => {
    const bodies: [string, HttpRequestInit['body']][] = [
      ['string', 'plain text'],
      ['bytes', new TextEncoder().encode('some bytes')],
      ['ArrayBuffer', new TextEncoder().encode('a buffer').buffer],
      ['Blob', new Blob(['a blob'], { type: 'text/x-blob' })],
      ['URLSearchParams', new URLSearchParams({ q: 'search me' })],
      ['ReadableStream', new Blob(['a web stream']).stream()],
      ['Readable', Readable.from([Buffer.from('a node '), Buffer.from('stream')])],
      [
        'async iterable',
        (async function* () {
          yield new TextEncoder().encode('an async ');
          yield new TextEncoder().encode('iterable');
        })(),
      ],
    ];
    const received: [string, string, string | undefined][] = [];
    for (const [kind, body] of bodies) {
      const e = await echo({ method: 'POST', body });
      received.push([kind, e.body, e.headers['content-type']]);
      assert.equal(e.method, 'POST');
    }
    assert.deepEqual(received, [
      ['string', 'plain text', undefined],
      ['bytes', 'some bytes', undefined],
      ['ArrayBuffer', 'a buffer', undefined],
      ['Blob', 'a blob', 'text/x-blob'],
      ['URLSearchParams', 'q=search+me', 'application/x-www-form-urlencoded;charset=UTF-8'],
      ['ReadableStream', 'a web stream', undefined],
      ['Readable', 'a node stream', undefined],
      ['async iterable', 'an async iterable', undefined],
    ]);
  });

  it('send the method as normalised, and the path with its query', async () => {
    assert.equal((await echo({ method: 'delete' })).method, 'DELETE');
    assert.equal((await echo({ method: 'PURGE' })).method, 'PURGE');
    const res = await client.get(`${server.origin}/status?code=202&bytes=3#ignored`);
    assert.equal(res.status, 202);
    assert.equal(await res.text(), 'sss');
  });
});
