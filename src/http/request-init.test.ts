import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  checkTimeout,
  isIdempotentMethod,
  parseUrl,
  prepareRequest,
  toRequest,
} from './request-init.js';

const URL_OK = 'http://127.0.0.1:8080/users/1?full=yes#top';

describe('parseUrl', () => {
  it('takes absolute http(s) URLs, as strings or URL objects', () => {
    assert.equal(parseUrl(URL_OK).origin, 'http://127.0.0.1:8080');
    assert.equal(
      parseUrl(new URL('https://api.example.com:443/x')).origin,
      'https://api.example.com',
    );
  });

  it('refuses anything else with a TypeError that quotes it', () => {
    assert.throws(() => parseUrl('not a url'), {
      name: 'TypeError',
      message: 'invalid URL "not a url": an absolute http(s) URL is needed',
    });
    assert.throws(() => parseUrl('/users/1'), {
      name: 'TypeError',
      message: 'invalid URL "/users/1": an absolute http(s) URL is needed',
    });
    assert.throws(() => parseUrl('ftp://example.com/file'), {
      name: 'TypeError',
      message: 'url must be an http: or https: URL, got "ftp://example.com/file"',
    });
    assert.throws(() => parseUrl(new URL('file:///etc/passwd')), {
      name: 'TypeError',
      message: 'url must be an http: or https: URL, got "file:///etc/passwd"',
    });
    assert.throws(() => parseUrl(42), {
      name: 'TypeError',
      message: 'url must be a string or a URL, got 42',
    });
  });
});

describe('checkTimeout', () => {
  it('takes ms > 0 up to 2^31 - 1, and Infinity', () => {
    assert.equal(checkTimeout('timeout', 1), 1);
    assert.equal(checkTimeout('timeout', 2 ** 31 - 1), 2 ** 31 - 1);
    assert.equal(checkTimeout('timeout', Infinity), Infinity);
  });

  it('names the option and quotes the value', () => {
    assert.throws(() => checkTimeout('ResilientHttpClient option timeout', -5), {
      name: 'RangeError',
      message:
        'ResilientHttpClient option timeout must be > 0 and <= 2147483647 ms (or Infinity for none), got -5',
    });
    assert.throws(() => checkTimeout('init.timeout', 0), {
      name: 'RangeError',
      message: 'init.timeout must be > 0 and <= 2147483647 ms (or Infinity for none), got 0',
    });
    assert.throws(() => checkTimeout('init.timeout', 2 ** 31), { name: 'RangeError' });
    assert.throws(() => checkTimeout('init.timeout', NaN), {
      name: 'TypeError',
      message: 'init.timeout must be a number of ms, got NaN',
    });
    assert.throws(() => checkTimeout('init.timeout', '100'), {
      name: 'TypeError',
      message: 'init.timeout must be a number of ms, got "100"',
    });
  });
});

describe('prepareRequest', () => {
  it('splits the URL into origin and path (without the fragment), GET by default', () => {
    const p = prepareRequest(URL_OK, undefined);
    assert.equal(p.origin, 'http://127.0.0.1:8080');
    assert.equal(p.path, '/users/1?full=yes');
    assert.equal(p.href, URL_OK);
    assert.equal(p.method, 'GET');
    assert.equal(p.body, undefined);
    assert.equal(p.replayable, true);
    assert.equal(p.timeout, undefined);
  });

  it('upper-cases the standard methods as fetch does, and keeps the others as given', () => {
    assert.equal(prepareRequest(URL_OK, { method: 'post', body: 'x' }).method, 'POST');
    assert.equal(prepareRequest(URL_OK, { method: 'Delete' }).method, 'DELETE');
    assert.equal(prepareRequest(URL_OK, { method: 'patch', body: 'x' }).method, 'patch');
    assert.equal(prepareRequest(URL_OK, { method: 'PURGE' }).method, 'PURGE');
  });

  it('refuses bad methods, and bodies on GET and HEAD', () => {
    assert.throws(() => prepareRequest(URL_OK, { method: 'GET /x' }), {
      name: 'TypeError',
      message: 'init.method must be an HTTP method name, got "GET /x"',
    });
    assert.throws(() => prepareRequest(URL_OK, { method: 'connect' }), {
      name: 'TypeError',
      message: 'init.method "connect" is not supported',
    });
    assert.throws(() => prepareRequest(URL_OK, { body: 'x' }), {
      name: 'TypeError',
      message: 'a GET request cannot have a body (init.body)',
    });
    assert.throws(() => prepareRequest(URL_OK, { method: 'HEAD', body: new Uint8Array(1) }), {
      name: 'TypeError',
      message: 'a HEAD request cannot have a body (init.body)',
    });
  });

  it('refuses unknown keys with a hint, and bad values naming their field', () => {
    assert.throws(() => prepareRequest(URL_OK, { timout: 5 }), {
      name: 'TypeError',
      message: 'unknown request init option timout (did you mean timeout?)',
    });
    assert.throws(() => prepareRequest(URL_OK, { timeout: -1 }), {
      name: 'RangeError',
      message: 'init.timeout must be > 0 and <= 2147483647 ms (or Infinity for none), got -1',
    });
    assert.throws(() => prepareRequest(URL_OK, { idempotent: 'yes' }), {
      name: 'TypeError',
      message: 'init.idempotent must be a boolean, got "yes"',
    });
    assert.throws(() => prepareRequest(URL_OK, { signal: {} }), {
      name: 'TypeError',
      message: 'init.signal must be an AbortSignal, got {}',
    });
    assert.throws(() => prepareRequest(URL_OK, { headers: 'x-a: b' }), {
      name: 'TypeError',
      message: 'init.headers must be a Headers, a record or [name, value] pairs, got "x-a: b"',
    });
    assert.throws(() => prepareRequest(URL_OK, { headers: [['x-a', 'b', 'c']] }), {
      name: 'TypeError',
      message: 'init.headers pairs must each be [name, value] strings, got ["x-a","b","c"]',
    });
    assert.throws(() => prepareRequest(URL_OK, { method: 'POST', body: 12 }), {
      name: 'TypeError',
      message:
        'init.body must be a string, ArrayBuffer, typed array, URLSearchParams, Blob, ReadableStream, Readable or async iterable, got 12',
    });
    assert.throws(() => prepareRequest(URL_OK, 'GET'), {
      name: 'TypeError',
      message: 'init must be an object, got "GET"',
    });
  });

  it('flattens [name, value] pairs, as undici reads arrays flat', () => {
    const pairs: [string, string][] = [
      ['x-a', '1'],
      ['x-b', '2'],
    ];
    assert.deepEqual(prepareRequest(URL_OK, { headers: pairs }).headers, ['x-a', '1', 'x-b', '2']);
  });

  it('takes replayable bodies as bytes or strings, and marks streams as read-once', () => {
    const post = (body: unknown) => prepareRequest(URL_OK, { method: 'POST', body });
    assert.equal(post('text').body, 'text');
    const view = new DataView(new ArrayBuffer(8), 2, 4);
    const fromView = post(view).body as Uint8Array;
    assert.equal(fromView.byteLength, 4);
    assert.equal(fromView.byteOffset, 2);
    assert.equal((post(new ArrayBuffer(3)).body as Uint8Array).byteLength, 3);
    assert.equal(post(new Blob(['ab'])).replayable, true);
    assert.equal(post(Readable.from(['a'])).replayable, false);
    assert.equal(post(new ReadableStream()).replayable, false);
    assert.equal(post((async function* () {})()).replayable, false);
  });

  it('sends URLSearchParams as a form, adding a content-type unless one is given', () => {
    const form = new URLSearchParams({ a: '1', b: 'two words' });
    const plain = prepareRequest(URL_OK, { method: 'POST', body: form });
    assert.equal(plain.body, 'a=1&b=two+words');
    assert.deepEqual(plain.headers, [
      'content-type',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ]);
    const withRecord = prepareRequest(URL_OK, {
      method: 'POST',
      body: form,
      headers: { 'X-A': 'b' },
    });
    assert.deepEqual(withRecord.headers, [
      'X-A',
      'b',
      'content-type',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ]);
    const own = { 'Content-Type': 'text/x-mine' };
    assert.equal(prepareRequest(URL_OK, { method: 'POST', body: form, headers: own }).headers, own);
    const headers = new Headers({ 'content-type': 'text/x-mine' });
    assert.equal(prepareRequest(URL_OK, { method: 'POST', body: form, headers }).headers, headers);
    const pairs: [string, string][] = [['x-a', 'b']];
    assert.deepEqual(
      prepareRequest(URL_OK, { method: 'POST', body: form, headers: pairs }).headers,
      ['x-a', 'b', 'content-type', 'application/x-www-form-urlencoded;charset=UTF-8'],
    );
  });
});

describe('isIdempotentMethod', () => {
  it('GET, HEAD, PUT, DELETE and OPTIONS', () => {
    for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
      assert.equal(isIdempotentMethod(m), true, m);
    for (const m of ['POST', 'PATCH', 'PURGE', 'get'])
      assert.equal(isIdempotentMethod(m), false, m);
  });
});

describe('toRequest', () => {
  it('shows the request as a WHATWG Request, with a replayable body and without a stream one', async () => {
    const prepared = prepareRequest(URL_OK, {
      method: 'POST',
      body: new URLSearchParams({ q: '1' }),
      headers: { 'x-trace': 'abc' },
    });
    const request = toRequest(prepared);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, 'http://127.0.0.1:8080/users/1?full=yes#top');
    assert.equal(request.headers.get('x-trace'), 'abc');
    assert.equal(
      request.headers.get('content-type'),
      'application/x-www-form-urlencoded;charset=UTF-8',
    );
    assert.equal(await request.text(), 'q=1');
    const streamed = toRequest(
      prepareRequest(URL_OK, { method: 'PUT', body: Readable.from(['x']) }),
    );
    assert.equal(streamed.body, null);
  });
});
