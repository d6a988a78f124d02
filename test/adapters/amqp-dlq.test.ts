// A poison message (its handler fails forever) goes to the dead-letter queue after maxAttempts
// handler runs instead of blocking the queue; the other messages are processed meanwhile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { consume } from '../../src/adapters/amqp/index.js';
import { connect, fill, inspect, waitFor } from './amqp-common.js';
import { skipUnless } from '../fixtures/services.js';
import { uniqueSuffix } from './services.js';

const skip = await skipUnless('RabbitMQ', 5672);

describe('consume() with a poison message', { skip, timeout: 30_000 }, () => {
  for (const messageIds of [true, false]) {
    it(`dead-letters it after maxAttempts runs (${messageIds ? 'with messageId' : 'keyed by body'})`, async () => {
      const suffix = uniqueSuffix();
      const queue = `bw_dlq_main_${suffix}`;
      const dlq = `bw_dlq_dead_${suffix}`;
      const { connection } = await connect();
      const setup = await connection.createChannel();
      await setup.assertQueue(dlq, { durable: false });
      await setup.assertQueue(queue, {
        durable: false,
        deadLetterExchange: '',
        deadLetterRoutingKey: dlq,
      });
      const bodies = Array.from({ length: 30 }, (_, i) => (i === 4 ? 'poison' : `ok-${i}`));
      await fill(connection, queue, bodies, messageIds);
      const runs = new Map<string, number>();
      const channel = await connection.createChannel();
      const breaker = new CircuitBreaker({ name: 'amqp-dlq' });
      const consumer = await consume(
        channel,
        queue,
        (message) => {
          const body = message.content.toString();
          runs.set(body, (runs.get(body) ?? 0) + 1);
          if (body === 'poison') throw new Error('cannot parse');
        },
        { breaker, prefetch: 5, maxAttempts: 3 },
      );
      try {
        await waitFor(() => consumer.stats.acked === 29 && consumer.stats.deadLettered === 1);
        assert.equal(runs.get('poison'), 3);
        assert.ok(
          [...runs].every(([body, n]) => body === 'poison' || n === 1),
          'a healthy message ran twice',
        );
        assert.equal(consumer.stats.requeued, 2);
        assert.equal(breaker.state, 'closed');
        assert.deepEqual(await inspect(connection, queue), { ready: 0, consumers: 1 });
        const dead = await setup.get(dlq, { noAck: true });
        assert.ok(dead !== false, 'nothing in the dead-letter queue');
        assert.equal(dead.content.toString(), 'poison');
        const death = (dead.properties.headers as Record<string, unknown>)['x-death'] as {
          reason: string;
          queue: string;
          count: number;
        }[];
        assert.equal(death.length, 1);
        const [first] = death;
        assert.deepEqual(
          { reason: first?.reason, queue: first?.queue, count: first?.count },
          { reason: 'rejected', queue, count: 1 },
        );
        assert.equal(await setup.get(dlq), false);
      } finally {
        await consumer.close();
        await setup.deleteQueue(queue);
        await setup.deleteQueue(dlq);
        await connection.close();
      }
    });
  }
});
