// Shared setup of the RabbitMQ adapter tests: the machine's broker, guest/guest.
import amqp from 'amqplib';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export type Connection = Awaited<ReturnType<typeof amqp.connect>>;

/** A connection whose 'error' events are collected rather than crashing the test process. */
export async function connect(
  url = AMQP_URL,
): Promise<{ connection: Connection; errors: Error[] }> {
  const connection = await amqp.connect(url);
  const errors: Error[] = [];
  connection.on('error', (e: Error) => errors.push(e));
  return { connection, errors };
}

/**
 * Publishes one message per body (with `messageId` = index, unless `withIds` is false) and
 * waits for the broker's confirms.
 */
export async function fill(
  connection: Connection,
  queue: string,
  bodies: readonly string[],
  withIds = true,
): Promise<void> {
  const channel = await connection.createConfirmChannel();
  bodies.forEach((body, i) => {
    channel.sendToQueue(queue, Buffer.from(body), withIds ? { messageId: String(i) } : {});
  });
  await channel.waitForConfirms();
  await channel.close();
}

/** Ready messages and consumers of a queue, as the broker reports them. */
export async function inspect(
  connection: Connection,
  queue: string,
): Promise<{ ready: number; consumers: number }> {
  const channel = await connection.createChannel();
  try {
    const q = await channel.checkQueue(queue);
    return { ready: q.messageCount, consumers: q.consumerCount };
  } finally {
    await channel.close();
  }
}

export async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
