import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { BreakerError } from '../../core/errors.js';
import { AlertDeliveryError } from './alert.js';
import { JsonPoster } from './http-post.js';

describe('JsonPoster on a loopback receiver', () => {
  it("reads Retry-After with the policies' parser, and fails with a branded AlertDeliveryError", async () => {
    const answers = ['120', '1.5', 'Wed, 21 Oct 2015 07:28:00 GMT'];
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(503, { 'retry-after': answers.shift() ?? '' }).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const poster = new JsonPoster('hook');
    const errors: unknown[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        await poster.post(url, { i }, new AbortController().signal).catch((e: unknown) => {
          errors.push(e);
        });
      }
    } finally {
      await poster.close();
      server.close();
    }
    assert.deepEqual(
      errors.map((e) => (e as AlertDeliveryError).retryAfter),
      // "1.5" is neither delay-seconds nor an HTTP date (Date.parse would take it as one).
      [120_000, undefined, 0],
    );
    for (const e of errors) {
      assert.ok(AlertDeliveryError.is(e) && BreakerError.is(e) && e instanceof BreakerError);
      assert.equal(e.code, 'ERR_ALERT_DELIVERY');
      assert.equal(e.name, 'AlertDeliveryError');
    }
    assert.equal(AlertDeliveryError.is(new Error('x')), false);
  });
});
