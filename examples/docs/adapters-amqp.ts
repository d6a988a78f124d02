import amqp from 'amqplib';
import { BreakerOpenError, CircuitBreaker } from '../../src/index.js';
import { consume, createPublisher } from '../../src/adapters/amqp/index.js';

const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
const admin = await connection.createChannel();
const queue = `docs_orders_${process.pid}`;
await admin.assertQueue(`${queue}.dead`, { durable: false });
await admin.assertQueue(queue, {
  durable: false,
  deadLetterExchange: '', // rejected messages go to the dead-letter queue
  deadLetterRoutingKey: `${queue}.dead`,
});

// Publish through a breaker; each send resolves once the broker confirmed the message.
const publisher = createPublisher(await connection.createConfirmChannel(), {
  breaker: { name: 'orders-out' },
});
for (const body of ['{"id":1}', '{"id":2}', '{oops', '{"id":3}']) {
  await publisher.sendToQueue(queue, Buffer.from(body), { persistent: true });
}

const breaker = new CircuitBreaker({
  name: 'fulfilment',
  // A malformed message is not the dependency's fault: nacked, but not a failure.
  isExcluded: (error) => error instanceof SyntaxError,
});
const consumer = await consume(
  await connection.createChannel(), // a channel of its own: the consumer sets its prefetch
  queue,
  (message) => {
    const order = JSON.parse(message.content.toString()) as { id: number };
    console.log(`fulfilled order ${order.id}`); // resolving acks; throwing nacks (requeue)
  },
  { breaker, prefetch: 5, maxAttempts: 3 },
);

async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !condition();) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
await until(() => consumer.stats.acked + consumer.stats.deadLettered === 4);
const { acked, requeued, deadLettered } = consumer.stats;
console.log(`acked ${acked}, requeued ${requeued}, dead-lettered ${deadLettered}`);
const dead = await admin.get(`${queue}.dead`, { noAck: true });
console.log(`dead letter: ${dead === false ? 'none' : dead.content.toString()}`);

// While the breaker is open the consumer unsubscribes: the broker keeps the messages.
breaker.forceOpen();
await until(() => consumer.state === 'paused');
await publisher.sendToQueue(queue, Buffer.from('{"id":4}'));
console.log(`${consumer.state}: ${(await admin.checkQueue(queue)).messageCount} message waiting`);
breaker.reset(); // closed again: it subscribes and takes the message
await until(() => consumer.stats.acked === 4);

// An open publisher breaker rejects before anything is written to the channel.
publisher.breaker.forceOpen();
const refused = await publisher.sendToQueue(queue, Buffer.from('{}')).catch((e: unknown) => e);
console.log(`publish while open: ${refused instanceof BreakerOpenError}`);

await consumer.close(); // waits for handlers in flight; leaves the channel open
await admin.deleteQueue(queue);
await admin.deleteQueue(`${queue}.dead`);
await connection.close();
