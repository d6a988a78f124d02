// The external-API example, run for real against its fake third-party API on loopback: the
// client must honour Retry-After (the API records when each request arrived and when it asked
// the caller to come back), keep its retries within the budget (the API counts the attempts),
// serve the cached answer, marked stale, during an outage (without calling the API once its
// circuit is open) and fresh answers after it; and main.ts must print its story and exit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { GiveUpReason } from '../../src/index.js';
import {
  start,
  type RatesApi,
  type RatesApiOptions,
} from '../../examples/external-api/rates-api.js';
import {
  createRatesClient,
  RatesUnavailableError,
  type RatesClient,
  type RatesClientOptions,
} from '../../examples/external-api/rates-client.js';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

/**
 * Timers have millisecond granularity: libuv starts a timer from its loop time, which lags the
 * high-resolution clock the API stamps arrivals with by less than 1 ms.
 */
const TIMER_GRANULARITY = 1;

describe('examples/external-api', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });

  async function setUp(
    apiOptions: RatesApiOptions,
    clientOptions: Omit<RatesClientOptions, 'baseUrl'> = {},
  ): Promise<{ api: RatesApi; rates: RatesClient; giveUps: GiveUpReason[] }> {
    const api = await start(apiOptions);
    open.push(api);
    const giveUps: GiveUpReason[] = [];
    const rates = createRatesClient({
      baseUrl: api.url,
      onGiveUp: (e) => giveUps.push(e.reason),
      ...clientOptions,
    });
    open.push(rates);
    return { api, rates, giveUps };
  }

  it('honours Retry-After: the retry arrives no sooner than the API asked, and is answered', async () => {
    const { api, rates } = await setUp({ capacity: 2, refillPerSecond: 1 });
    const quotes = [await rates.rate('USD'), await rates.rate('GBP'), await rates.rate('JPY')];
    assert.deepEqual(
      api.log.map((a) => [a.path, a.status, a.retryAfter]),
      [
        ['/v1/rates/USD', 200, undefined],
        ['/v1/rates/GBP', 200, undefined],
        ['/v1/rates/JPY', 429, 1],
        ['/v1/rates/JPY', 200, undefined],
      ],
    );
    const [, , limited, retried] = api.log;
    const early = limited!.notBefore! - retried!.at;
    assert.equal(
      early < TIMER_GRANULARITY,
      true,
      `the retry came ${early} ms before it was allowed`,
    );
    assert.deepEqual(
      quotes.map((q) => [q.currency, q.seq, q.stale]),
      [
        ['USD', 1, false],
        ['GBP', 2, false],
        ['JPY', 3, false],
      ],
    );
  });

  it('a Retry-After longer than maxDelay is not waited for: the cached answer comes at once', async () => {
    // One request, then one every 5 s: the second is told to come back in 5 s (> 1.2 s).
    const { api, rates, giveUps } = await setUp({ capacity: 1, refillPerSecond: 0.2 });
    const fresh = await rates.rate('USD');
    const started = performance.now();
    const cached = await rates.rate('USD');
    const took = performance.now() - started;
    assert.deepEqual(
      api.log.map((a) => [a.status, a.retryAfter]),
      [
        [200, undefined],
        [429, 5],
      ],
    );
    assert.deepEqual(giveUps, ['max-delay']);
    assert.deepEqual({ ...cached, ageMs: 0 }, { ...fresh, stale: true });
    assert.equal(took < 500, true, `answered from the cache without waiting: ${took} ms`);
    // Nothing cached for GBP: the client says the API is unavailable rather than guess.
    await assert.rejects(
      rates.rate('GBP'),
      new RatesUnavailableError('no rate for GBP: the API answered 429'),
    );
  });

  it('the retry budget caps the attempts during an outage', async () => {
    // A breaker that does not trip here, so every call reaches the API: only the budget limits.
    const { api, rates, giveUps } = await setUp(
      { capacity: 100 },
      { breaker: { consecutiveFailures: 1_000 } },
    );
    const fresh = await rates.rate('USD');
    api.down();
    const before = api.requests;
    const quotes = [];
    for (let i = 0; i < 8; i++) quotes.push(await rates.rate('USD'));
    // Budget: retries <= 0.1 * calls + 2 (0.2 per second over 10 s). The first outage call is
    // call 2 (limit 2.2): it retries twice and makes 3 attempts; from then on the limit stays
    // below 3 retries (2.3 ... 2.9), so each call makes 1 attempt. 3 + 7 = 10, where 3 attempts
    // for each of the 8 calls would have been 24.
    assert.equal(api.requests - before, 10);
    assert.deepEqual(giveUps, ['attempts', ...Array<GiveUpReason>(7).fill('budget')]);
    assert.equal(
      api.log.slice(before).every((a) => a.status === 503),
      true,
      'all 503s',
    );
    for (const q of quotes) {
      assert.deepEqual({ ...q, ageMs: 0 }, { ...fresh, stale: true });
    }
  });

  it('an outage: the circuit opens, the cache answers without calling the API, fresh answers after', async () => {
    const { api, rates, giveUps } = await setUp({ capacity: 100 });
    const fresh = await rates.rate('USD');
    assert.equal(fresh.stale, false);
    api.down();
    const before = api.requests;
    const quotes = [];
    for (let i = 0; i < 6; i++) quotes.push(await rates.rate('USD'));
    // 3 attempts (2 retries from the budget), then 1 and 1: the fifth failure in a row opens
    // the circuit, and the last three calls send nothing.
    assert.equal(api.requests - before, 5);
    assert.deepEqual(giveUps, [
      'attempts',
      'budget',
      ...Array<GiveUpReason>(4).fill('breaker-open'),
    ]);
    assert.equal(rates.breaker.state, 'open');
    for (const q of quotes) {
      assert.deepEqual({ ...q, ageMs: 0 }, { ...fresh, stale: true });
      assert.equal(q.ageMs >= 0 && q.ageMs < 5_000, true, `age ${q.ageMs} ms`);
    }

    api.up();
    const wait = rates.breaker.retryAfter;
    assert.equal(wait > 0 && wait <= 1_500, true, `half-open within 1.5 s: ${wait}`);
    const stillOpen = await rates.rate('USD');
    assert.equal(stillOpen.stale, true, 'still served from the cache while open');
    assert.equal(api.requests - before, 5, 'nothing sent while open');
    await sleep(wait);
    const back = await rates.rate('USD');
    assert.equal(back.stale, false);
    assert.equal(back.seq, fresh.seq + 1);
    assert.equal(rates.breaker.state, 'closed');
    assert.equal(api.requests - before, 6);
  });

  it('refuses bad input, naming it', async () => {
    assert.throws(() => createRatesClient({ baseUrl: 'ftp://rates.example.com' }), {
      name: 'TypeError',
      message: 'baseUrl must be an http(s) URL, got "ftp://rates.example.com"',
    });
    await assert.rejects(
      start({ capacity: 0 }),
      new RangeError('rates API option capacity must be an integer >= 1, got 0'),
    );
    const { api, rates } = await setUp({});
    await assert.rejects(
      rates.rate('usd'),
      new TypeError('currency must be 3 capital letters, got "usd"'),
    );
    assert.equal(api.requests, 0);
  });

  it('main.ts tells its story and exits by itself', async () => {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/external-api/main.ts'],
      { cwd: root, env, timeout: 15_000 },
    );
    assert.equal(stderr, '');
    assert.equal(
      stdout,
      [
        'the API allows bursts of 3 requests, then 1 per second:',
        '  EUR/USD 1.0811 #1 fresh - 1 request sent',
        '  EUR/GBP 0.8517 #2 fresh - 1 request sent',
        '  EUR/JPY 162.8872 #3 fresh - 1 request sent',
        '    429: retry in 1000 ms (retry-after)',
        '  EUR/USD 1.0843 #4 fresh - 2 requests sent',
        'the API goes down (503):',
        '    503: retry in 50 ms (backoff)',
        '    gave up after 2 attempt(s): budget',
        '  EUR/USD 1.0843 #4 stale (cached) - 2 requests sent',
        '    gave up after 1 attempt(s): budget',
        '  EUR/USD 1.0843 #4 stale (cached) - 1 request sent',
        '    gave up after 1 attempt(s): budget',
        '  EUR/USD 1.0843 #4 stale (cached) - 1 request sent',
        '  circuit: closed -> open',
        '    gave up after 1 attempt(s): breaker-open',
        '  EUR/USD 1.0843 #4 stale (cached) - 1 request sent',
        '    gave up after 1 attempt(s): breaker-open',
        '  EUR/USD 1.0843 #4 stale (cached) - 0 requests sent',
        'the API is back:',
        '    gave up after 1 attempt(s): breaker-open',
        '  EUR/USD 1.0843 #4 stale (cached) - 0 requests sent',
        '  circuit: open -> half-open',
        '  circuit: half-open -> closed',
        '  EUR/USD 1.0854 #5 fresh - 1 request sent',
        '',
      ].join('\n'),
    );
  });
});
