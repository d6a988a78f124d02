import { createHash } from 'node:crypto';
import type { Message } from 'amqplib';

/** Most messages remembered at once; the oldest entry goes first past this. */
export const DEFAULT_ATTEMPT_MEMORY = 10_000;

/**
 * Counts how many times each message was really handed to the handler, across redeliveries.
 *
 * Why in memory, keyed by message: a failure must nack with requeue (the contract), and a
 * requeued message comes back unchanged, so no header of ours can travel with it without
 * republishing a copy (which reorders the queue and is not atomic with the ack). Quorum queues'
 * `x-delivery-count` travels, but it counts every return to the queue, including the deliveries
 * the consumer gives back unstarted while the breaker is open, which are not attempts: with it a
 * message could be dead-lettered without having been tried `maxAttempts` times. Counting here
 * is exact for the handler runs of this consumer; a bound across processes is the job of a
 * quorum queue's `x-delivery-limit`, which can be set as well.
 *
 * The key is `properties.messageId` when the publisher set one, else a SHA-1 of the body. A
 * first delivery (`redelivered: false`) starts from zero whatever is remembered.
 */
export class AttemptCounter {
  private readonly seen = new Map<string, number>();
  private readonly memory: number;

  constructor(memory = DEFAULT_ATTEMPT_MEMORY) {
    this.memory = memory;
  }

  /** Entries remembered now (for tests and metrics). */
  get size(): number {
    return this.seen.size;
  }

  /** The number this attempt will be (1 for the first), counting earlier failed attempts. */
  next(message: Message): number {
    const key = keyOf(message);
    if (!message.fields.redelivered) {
      this.seen.delete(key);
      return 1;
    }
    return (this.seen.get(key) ?? 0) + 1;
  }

  /** Remembers that attempt number `attempt` of `message` failed. */
  failed(message: Message, attempt: number): void {
    const key = keyOf(message);
    this.seen.delete(key);
    this.seen.set(key, attempt);
    if (this.seen.size > this.memory) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
  }

  /** Forgets a message that was acked or dead-lettered. */
  forget(message: Message): void {
    this.seen.delete(keyOf(message));
  }
}

function keyOf(message: Message): string {
  const id: unknown = message.properties.messageId;
  if (typeof id === 'string' && id !== '') return `id:${id}`;
  return `sha1:${createHash('sha1').update(message.content).digest('base64')}`;
}
