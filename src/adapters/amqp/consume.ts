import type { Channel } from 'amqplib';
import { quote } from '../../core/options.js';
import { Consumer, type BreakerConsumer, type MessageHandler } from './consumer.js';
import { resolveConsumeOptions, type ConsumeOptions } from './options.js';

/**
 * Consumes `queue` on `channel` through a circuit breaker. Each message runs
 * `handler(message, signal)` through the breaker: success acks, a failure nacks with requeue,
 * and after `maxAttempts` failed runs the message is rejected without requeue (to the queue's
 * dead-letter exchange, if it has one). No message is dropped or acked unprocessed, and none is
 * acked or nacked twice.
 *
 * While the breaker is open the consumer cancels its subscription, so the broker keeps the
 * messages ready and delivers nothing (deliveries already prefetched are given back once the
 * cancel is done, so none loops back). One unref'd timer waits for the breaker's `retryAfter`;
 * in half-open the consumer subscribes with prefetch 1 and the one message it gets is the
 * probe; when the breaker closes it subscribes again with the full `prefetch`. No timer runs
 * while consuming.
 *
 * The consumer acks and nacks: the handler must not (a second ack of one delivery closes the
 * channel, as AMQP says).
 *
 * The channel's prefetch (basic.qos, per consumer) is set before each subscription, so give the
 * consumer a channel of its own. The channel's `'error'` and `'close'` events are watched while
 * consuming: a channel or connection that dies ends the consumer, calls `onError` and resolves
 * `done`.
 *
 * @returns once the consumer is subscribed (or waits, paused, for an open breaker); rejects
 * when subscribing fails (no such queue, say: which closes the channel, as AMQP does).
 */
export async function consume(
  channel: Channel,
  queue: string,
  handler: MessageHandler,
  options: ConsumeOptions,
): Promise<BreakerConsumer> {
  const given: unknown = channel;
  if (
    typeof given !== 'object' ||
    given === null ||
    typeof (given as { consume?: unknown }).consume !== 'function'
  ) {
    throw new TypeError(
      `consume(channel): channel must be an amqplib channel, got ${quote(given)}`,
    );
  }
  if (typeof queue !== 'string') {
    throw new TypeError(`consume(queue): queue must be a string, got ${quote(queue)}`);
  }
  if (typeof handler !== 'function') {
    throw new TypeError(`consume(handler): handler must be a function, got ${quote(handler)}`);
  }
  const consumer = new Consumer(channel, queue, handler, resolveConsumeOptions(options));
  await consumer.start();
  return consumer;
}
