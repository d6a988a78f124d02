import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter, retryAfterFrom } from './retry-after.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
  });

  it('reads the three HTTP-date forms against now, never below 0', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', NOW), 5000);
    assert.equal(parseRetryAfter('Wednesday, 21-Oct-15 07:28:30 GMT', NOW), 30_000);
    assert.equal(parseRetryAfter('Wed Oct 21 07:29:00 2015', NOW), 60_000); // asctime is GMT
    assert.equal(parseRetryAfter('Wed Oct  1 07:28:00 2015', NOW), 0);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', NOW), 0);
  });

  it('gives undefined for anything else', () => {
    for (const bad of ['', '1.5', '-3', 'soon', '2015-10-21', '12abc', null, undefined]) {
      assert.equal(parseRetryAfter(bad, NOW), undefined, String(bad));
    }
  });
});

describe('retryAfterFrom', () => {
  it('reads a WHATWG Response with status 429 or 503', () => {
    const r429 = new Response(null, { status: 429, headers: { 'Retry-After': '3' } });
    const r503 = new Response(null, {
      status: 503,
      headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' },
    });
    assert.equal(retryAfterFrom(r429, NOW), 3000);
    assert.equal(retryAfterFrom(r503, NOW), 10_000);
  });

  it('ignores Retry-After on other statuses and responses without it', () => {
    const r500 = new Response(null, { status: 500, headers: { 'Retry-After': '3' } });
    const r301 = new Response(null, { status: 301, headers: { 'Retry-After': '3' } });
    assert.equal(retryAfterFrom(r500, NOW), undefined);
    assert.equal(retryAfterFrom(r301, NOW), undefined);
    assert.equal(retryAfterFrom(new Response(null, { status: 503 }), NOW), undefined);
  });

  it('reads plain header records (statusCode, lower-case keys, arrays) and errors carrying a response', () => {
    assert.equal(
      retryAfterFrom({ statusCode: 503, headers: { 'retry-after': ['7', '8'] } }, NOW),
      7000,
    );
    const error = Object.assign(new Error('HTTP 429'), {
      response: new Response(null, { status: 429, headers: { 'Retry-After': '2' } }),
    });
    assert.equal(retryAfterFrom(error, NOW), 2000);
    const axiosLike = Object.assign(new Error('Too Many'), {
      response: { status: 429, headers: { 'retry-after': '4' } },
    });
    assert.equal(retryAfterFrom(axiosLike, NOW), 4000);
  });

  it('gives undefined for values that carry nothing', () => {
    for (const value of [undefined, null, 42, 'x', new Error('plain'), { status: 429 }]) {
      assert.equal(retryAfterFrom(value, NOW), undefined);
    }
  });
});
