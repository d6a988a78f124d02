// A RabbitMQ consumer and publisher behind a circuit breaker.
//   node --import tsx examples/amqp/orders-consumer.ts
// Needs RabbitMQ (AMQP_URL, default amqp://guest:guest@127.0.0.1:5672).
// In an application the import is `from 'breakwater/amqp'`.
import amqp from 'amqplib';
import { CircuitBreaker } from '../../src/index.js';
import { consume, createPublisher } from '../../src/adapters/amqp/index.js';

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queue = `example_orders_${process.pid}`;
const deadLetters = `${queue}_dead`;

const connection = await amqp.connect(url);
const admin = await connection.createChannel();
await admin.assertQueue(deadLetters, { durable: false });
await admin.assertQueue(queue, {
  durable: false,
  deadLetterExchange: '',
  deadLetterRoutingKey: deadLetters,
});

// Publish 50 orders; each resolves once the broker confirmed it. Order 7 is malformed.
const publisher = createPublisher(await connection.createConfirmChannel(), {
  breaker: { name: 'orders-publisher' },
});
await Promise.all(
  Array.from({ length: 50 }, (_, i) =>
    publisher.sendToQueue(queue, Buffer.from(i === 7 ? '{oops' : JSON.stringify({ id: i })), {
      messageId: `order-${i}`,
    }),
  ),
);
console.log('published 50 orders');

// The payment service the handler calls is down for 300 ms after the 10th order.
let paid = 0;
let downUntil = 0;
async function pay(order: { id: number }): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (paid === 10 && downUntil === 0) downUntil = Date.now() + 300;
  if (Date.now() < downUntil) throw new Error(`payment service unavailable (order ${order.id})`);
  paid++;
}

const breaker = new CircuitBreaker({
  name: 'payments',
  timeout: 150,
  readyToTrip: (c) => c.consecutiveFailures >= 3,
  // A malformed message is not the payment service's fault: its failures still nack the
  // message (and dead-letter it after maxAttempts), but they do not count against the breaker.
  isExcluded: (error) => error instanceof SyntaxError,
});
breaker.onTransition((e) => {
  console.log(`breaker ${e.name}: ${e.from} -> ${e.to} (${e.reason})`);
});
const consumer = await consume(
  await connection.createChannel(),
  queue,
  async (message) => {
    const order = JSON.parse(message.content.toString()) as { id: number };
    await pay(order);
  },
  // Every failed handler run is an attempt, probes included: while the service is down the
  // breaker lets about one probe through per open period (150 ms here), so 5 attempts ride out
  // this 300 ms outage while the malformed order still reaches the dead-letter queue.
  { breaker, prefetch: 5, maxAttempts: 5 },
);

const deadline = Date.now() + 10_000;
while (consumer.stats.acked + consumer.stats.deadLettered < 50 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await consumer.close();
const { acked, deadLettered, requeued, returned, pauses } = consumer.stats;
console.log(`paid ${acked} orders, ${deadLettered} dead-lettered`);
console.log(
  `requeued after a failure: ${requeued}, given back unstarted: ${returned}, pauses: ${pauses}`,
);
const dead = await admin.get(deadLetters, { noAck: true });
console.log(`dead letter: ${dead === false ? 'none' : dead.content.toString()}`);

await admin.deleteQueue(queue);
await admin.deleteQueue(deadLetters);
await connection.close();
if (acked !== 49 || deadLettered !== 1) process.exitCode = 1;
