// publish() on the real RabbitMQ: resolves only after the broker's confirm, counts nacks and dead
// channels as failures, and with the breaker open rejects before anything is written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { BreakerOpenError } from '../../src/core/errors.js';
import type { Counts } from '../../src/core/types.js';
import { createPublisher, publish } from '../../src/adapters/amqp/index.js';
import { connect, inspect } from './amqp-common.js';
import { skipUnless } from '../fixtures/services.js';
import { uniqueSuffix } from './services.js';

const skip = await skipUnless('RabbitMQ', 5672);

describe('publish() with publisher confirms', { skip, timeout: 30_000 }, () => {
  it('resolves once the broker confirmed: the message is in the queue by then', async () => {
    const queue = `bw_pub_${uniqueSuffix()}`;
    const { connection } = await connect();
    const admin = await connection.createChannel();
    await admin.assertQueue(queue, { durable: false });
    const channel = await connection.createConfirmChannel();
    const breaker = new CircuitBreaker({ name: 'amqp-pub' });
    try {
      for (let i = 0; i < 5; i++) {
        await publish(
          channel,
          '',
          queue,
          Buffer.from(`m${i}`),
          { messageId: String(i) },
          { breaker },
        );
        assert.equal((await inspect(connection, queue)).ready, i + 1);
      }
      const orders = createPublisher(channel, { breaker });
      await Promise.all([1, 2, 3].map((i) => orders.sendToQueue(queue, Buffer.from(`o${i}`))));
      assert.equal((await inspect(connection, queue)).ready, 8);
      const first = await admin.get(queue, { noAck: true });
      assert.ok(first !== false);
      assert.equal(first.content.toString(), 'm0');
      assert.equal(first.properties.messageId, '0');
      assert.deepEqual(breaker.counts, {
        requests: 8,
        totalSuccesses: 8,
        totalFailures: 0,
        totalExclusions: 0,
        consecutiveSuccesses: 8,
        consecutiveFailures: 0,
      });
    } finally {
      await admin.deleteQueue(queue);
      await connection.close();
    }
  });

  it('rejects while open before anything is written', async () => {
    const queue = `bw_pub_open_${uniqueSuffix()}`;
    const { connection } = await connect();
    const admin = await connection.createChannel();
    await admin.assertQueue(queue, { durable: false });
    const channel = await connection.createConfirmChannel();
    const breaker = new CircuitBreaker({ name: 'amqp-pub-open' });
    breaker.forceOpen();
    try {
      for (let i = 0; i < 100; i++) {
        await assert.rejects(
          publish(channel, '', queue, Buffer.from('x'), undefined, { breaker }),
          BreakerOpenError,
        );
      }
      // Nothing reached the broker, and the channel owes no confirm.
      await channel.waitForConfirms();
      assert.equal((await inspect(connection, queue)).ready, 0);
      breaker.reset();
      await publish(channel, '', queue, Buffer.from('y'), undefined, { breaker });
      assert.equal((await inspect(connection, queue)).ready, 1);
    } finally {
      await admin.deleteQueue(queue);
      await connection.close();
    }
  });

  it('counts a channel the broker closes, and a closed channel, as failures', async () => {
    const { connection, errors } = await connect();
    const channel = await connection.createConfirmChannel();
    const channelErrors: Error[] = [];
    channel.on('error', (e: Error) => channelErrors.push(e));
    const breaker = new CircuitBreaker({
      name: 'amqp-pub-fail',
      readyToTrip: (c) => c.consecutiveFailures >= 2,
    });
    try {
      await assert.rejects(
        publish(
          channel,
          `bw_no_such_exchange_${uniqueSuffix()}`,
          'k',
          Buffer.from('x'),
          undefined,
          { breaker },
        ),
        /channel closed/,
      );
      assert.match(String(channelErrors[0]?.message), /NOT_FOUND/);
      await assert.rejects(publish(channel, '', 'q', Buffer.from('x'), undefined, { breaker }), {
        name: 'IllegalOperationError',
      });
      assert.equal(breaker.counts.totalFailures, 0);
      assert.equal(breaker.state, 'open');
      await assert.rejects(
        publish(channel, '', 'q', Buffer.from('x'), undefined, { breaker }),
        BreakerOpenError,
      );
      assert.deepEqual(errors, []);
    } finally {
      await connection.close();
    }
  });

  it('refuses a channel without confirms and a body that is not a Buffer', async () => {
    const { connection } = await connect();
    const plain = await connection.createChannel();
    const confirm = await connection.createConfirmChannel();
    try {
      await assert.rejects(
        publish(plain as never, '', 'q', Buffer.from('x'), undefined, { breaker: {} }),
        /channel must be a ConfirmChannel/,
      );
      await assert.rejects(
        publish(confirm, '', 'q', 'text' as never, undefined, { breaker: {} }),
        /content must be a Buffer, got "text"/,
      );
      await assert.rejects(
        publish(confirm, '', 'q', Buffer.from('x'), undefined, { breaker: 7 as never }),
        /breaker must be a CircuitBreaker or breaker options, got 7/,
      );
      assert.throws(() => createPublisher(plain as never, { breaker: {} }), TypeError);
      // The same options object stands for the same breaker across calls.
      const config = {
        breaker: { name: 'shared', readyToTrip: (c: Counts) => c.consecutiveFailures >= 2 },
      };
      const closed = await connection.createConfirmChannel();
      await closed.close();
      for (let i = 0; i < 2; i++) {
        await assert.rejects(
          publish(closed, '', 'q', Buffer.from('x'), undefined, config),
          /Channel closed/,
        );
      }
      await assert.rejects(
        publish(confirm, '', 'q', Buffer.from('x'), undefined, config),
        BreakerOpenError,
      );
      const shared = createPublisher(confirm, config).breaker;
      assert.equal(shared.name, 'shared');
      assert.equal(shared.state, 'open');
    } finally {
      await connection.close();
    }
  });
});
