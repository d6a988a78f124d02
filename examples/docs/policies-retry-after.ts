import { parseRetryAfter, retry } from '../../src/index.js';

// What a server may answer; Retry-After is in seconds or an HTTP-date.
const answers = [
  new Response('busy', { status: 503, headers: { 'retry-after': '1' } }),
  new Response('ok', { status: 200 }),
  new Response('slow down', { status: 429, headers: { 'retry-after': '120' } }),
];

const policy = retry({
  maxAttempts: 3,
  backoff: 50,
  maxDelay: 5_000, // a server asking for more than 5 s gets no retry: the caller hears now
  retryOnResult: (res) => (res as Response).status >= 500 || (res as Response).status === 429,
  discardResult: (res) => (res as Response).body?.cancel(), // free each response not returned
  onRetry: (e) => {
    console.log(`attempt ${e.attempt}: wait ${e.delay} ms (${e.delaySource})`);
  },
  onGiveUp: (e) => {
    console.log(`attempt ${e.attempts}: gave up (${e.reason})`);
  },
});

const first = await policy.execute(() => Promise.resolve(answers.shift() as Response));
console.log(`-> ${first.status} ${await first.text()}`);
const second = await policy.execute(() => Promise.resolve(answers.shift() as Response));
console.log(`-> ${second.status} ${await second.text()}`);

// The parser on its own: ms to wait, from seconds or from an HTTP-date and the current time.
const now = Date.parse('2015-10-21T07:28:00Z');
console.log(parseRetryAfter('120'), parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now));
