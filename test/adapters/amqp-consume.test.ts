// consume() on the real RabbitMQ: 1,000 messages through a handler that fails for a while and
// recovers. All are processed exactly once, none is lost, redeliveries are bounded, and while
// the breaker is open the broker holds the messages ready and delivers nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { consume } from '../../src/adapters/amqp/index.js';
import { connect, fill, inspect, waitFor } from './amqp-common.js';
import { skipUnless } from '../fixtures/services.js';
import { sleep, uniqueSuffix } from './services.js';

const skip = await skipUnless('RabbitMQ', 5672);
const COUNT = 1000;
const PREFETCH = 20;

describe('consume() through an outage of the handler', { skip, timeout: 30_000 }, () => {
  it('processes all 1,000 messages once, pauses while open, and bounds redeliveries', async () => {
    const queue = `bw_consume_${uniqueSuffix()}`;
    const { connection } = await connect();
    const setup = await connection.createChannel();
    await setup.assertQueue(queue, { durable: false });
    await fill(
      connection,
      queue,
      Array.from({ length: COUNT }, (_, i) => `m${i}`),
    );

    const breaker = new CircuitBreaker({
      name: 'amqp-consume',
      timeout: 200,
      readyToTrip: (c) => c.consecutiveFailures >= 5,
    });
    const transitions: string[] = [];
    breaker.onTransition((e) => transitions.push(`${e.from}->${e.to}`));

    // Healthy for the first 100 messages, then down for 600 ms, then healthy again.
    let downUntil = 0;
    let succeeded = 0;
    let failedRuns = 0;
    let redelivered = 0;
    const successes = new Map<string, number>();
    const runsWhileHalfOpen: number[] = [];
    let running = 0;
    const channel = await connection.createChannel();
    const consumer = await consume(
      channel,
      queue,
      async (message) => {
        if (message.fields.redelivered) redelivered++;
        running++;
        if (breaker.state === 'half-open') runsWhileHalfOpen.push(running);
        try {
          await new Promise(setImmediate);
          if (succeeded === 100 && downUntil === 0) downUntil = Date.now() + 600;
          if (Date.now() < downUntil) {
            failedRuns++;
            throw new Error('dependency down');
          }
          succeeded++;
          const id = String(message.properties.messageId);
          successes.set(id, (successes.get(id) ?? 0) + 1);
        } finally {
          running--;
        }
      },
      { breaker, prefetch: PREFETCH },
    );
    try {
      assert.equal(consumer.state, 'consuming');
      await waitFor(() => consumer.state === 'paused');
      // Open: the subscription is cancelled and every delivery it held was given back: the
      // messages not yet acked are all ready (none unacknowledged), and no consumer is left.
      const deliveredAtPause = consumer.stats.delivered;
      const atPause = await inspect(connection, queue);
      assert.equal(atPause.consumers, 0);
      assert.equal(atPause.ready, COUNT - consumer.stats.acked);
      await sleep(100);
      assert.equal(consumer.state, 'paused');
      assert.equal(consumer.stats.delivered, deliveredAtPause);
      assert.deepEqual(await inspect(connection, queue), atPause);

      await waitFor(() => consumer.stats.acked === COUNT);
      assert.equal(consumer.state, 'consuming');
      assert.equal(successes.size, COUNT);
      assert.ok(
        [...successes.values()].every((n) => n === 1),
        'a message processed twice',
      );
      const s = consumer.stats;
      assert.equal(s.acked, COUNT);
      assert.equal(s.deadLettered, 0);
      assert.equal(s.abandoned, 0);
      assert.equal(s.requeued, failedRuns);
      // Every delivery beyond the first of each message is explained by one nack of ours, and
      // the unstarted ones given back are at most one prefetch per pause.
      assert.equal(s.delivered, COUNT + s.requeued + s.returned);
      assert.ok(s.pauses >= 1);
      assert.ok(s.returned <= PREFETCH * s.pauses, `${s.returned} returned, ${s.pauses} pauses`);
      assert.ok(redelivered <= s.requeued + s.returned);
      // In half-open one message at a time probes.
      assert.ok(
        runsWhileHalfOpen.every((n) => n === 1),
        `probes ran ${runsWhileHalfOpen.join(',')}`,
      );
      assert.ok(runsWhileHalfOpen.length >= 1);
      assert.equal(transitions[0], 'closed->open');
      assert.equal(transitions.at(-1), 'half-open->closed');
      assert.deepEqual(await inspect(connection, queue), { ready: 0, consumers: 1 });
      await consumer.close();
      assert.equal(consumer.state, 'closed');
      assert.deepEqual(await consumer.done, { reason: 'closed' });
      assert.deepEqual(await inspect(connection, queue), { ready: 0, consumers: 0 });
    } finally {
      await consumer.close();
      await setup.deleteQueue(queue);
      await connection.close();
    }
  });
});
