import { subscribe } from 'node:diagnostics_channel';
import { channelNames, CircuitBreaker, type StateChangeEvent } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const search = new CircuitBreaker({
  name: 'search',
  clock,
  timeout: 1_000,
  readyToTrip: (counts) => counts.consecutiveFailures >= 2,
});

// Typed listeners; each returns a function that unsubscribes (also usable with `using`).
search.onTransition((e) => {
  console.log(`transition ${e.from} -> ${e.to} at ${e.at} ms (${e.reason})`);
});
const stopCalls = search.onCall((e) => {
  console.log(`call: ${e.outcome}${e.reason ? ` (${e.reason})` : ''}, now ${e.state}`);
});

// Every breaker also publishes on node:diagnostics_channel, so exporters find breakers they
// were never handed. Nothing is built for a channel nobody listens to.
subscribe(channelNames.state, (message) => {
  const { breaker, to } = message as StateChangeEvent & { breaker: CircuitBreaker };
  console.log(`[${channelNames.state}] ${breaker.name} is ${to}`);
});

const boom = () => Promise.reject(new Error('boom'));
await search.tryExecute(boom);
await search.tryExecute(boom);
await search.tryExecute(() => 'not run: the breaker is open');
stopCalls();
clock.advance(1_000);
await search.tryExecute(() => 'a successful probe');
console.log(`state: ${search.state}`);
