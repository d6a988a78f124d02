import type { ConfirmChannel, Options } from 'amqplib';
import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import type { BreakerOptions } from '../../core/options.js';
import { quote } from '../../core/options.js';
import { breakerOf } from '../breaker-of.js';

/** The last argument of {@link publish}. */
export interface PublishOptions {
  /**
   * The breaker: an instance, or breaker options. Options make one breaker per options object
   * (kept while the object lives, shared by `publish` and `createPublisher`), so pass the same
   * object every time, or better an instance.
   */
  breaker: CircuitBreaker | BreakerOptions;
}

/** A publisher bound to one confirm channel and one breaker (see {@link createPublisher}). */
export interface Publisher {
  readonly breaker: CircuitBreaker;
  /** {@link publish} on the bound channel and breaker. */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options?: Options.Publish,
  ): Promise<void>;
  /** Publishes to `queue` through the default exchange. */
  sendToQueue(queue: string, content: Buffer, options?: Options.Publish): Promise<void>;
}

const fromOptions = new WeakMap<object, CircuitBreaker>();

function breakerFor(given: unknown): CircuitBreaker {
  if (
    typeof given === 'object' &&
    given !== null &&
    typeof (given as { execute?: unknown }).execute !== 'function'
  ) {
    let breaker = fromOptions.get(given);
    if (!breaker) {
      breaker = breakerOf(given, 'publish option breaker');
      fromOptions.set(given, breaker);
    }
    return breaker;
  }
  return breakerOf(given, 'publish option breaker');
}

function check(channel: unknown, content: unknown): TypeError | undefined {
  if (
    typeof channel !== 'object' ||
    channel === null ||
    typeof (channel as { waitForConfirms?: unknown }).waitForConfirms !== 'function'
  ) {
    return new TypeError(
      `publish(channel): channel must be a ConfirmChannel (connection.createConfirmChannel()), got ${quote(channel)}`,
    );
  }
  return Buffer.isBuffer(content) ? undefined : contentError(content);
}

function contentError(content: unknown): TypeError {
  return new TypeError(`publish(content): content must be a Buffer, got ${quote(content)}`);
}

/**
 * Publishes one message through a breaker and resolves once the broker confirmed it (publisher
 * confirms). While the breaker is open it rejects with `BreakerOpenError` before anything is
 * written to the channel. A nack from the broker (`'message nacked'`), a channel that closes
 * before the confirm (`'channel closed'`) and a channel already closed are failures. With the
 * breaker's `callTimeout`, a confirm that does not come in time (a blocked connection, say)
 * rejects with `CallTimeoutError`; the message may still be confirmed later.
 *
 * A message no queue is bound to is confirmed and dropped by the broker, as AMQP says; set
 * `mandatory` and listen to the channel's `'return'` event to hear of it.
 *
 * @param channel a confirm channel (`connection.createConfirmChannel()`).
 * @param options amqplib's publish options (`persistent`, `messageId`, `headers`, ...).
 */
export function publish(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish | undefined,
  config: PublishOptions,
): Promise<void> {
  const bad = check(channel, content);
  if (bad) return Promise.reject(bad);
  let breaker: CircuitBreaker;
  try {
    breaker = breakerFor((config as Partial<PublishOptions> | undefined)?.breaker);
  } catch (error) {
    return Promise.reject(error);
  }
  return send(breaker, channel, exchange, routingKey, content, options);
}

function send(
  breaker: CircuitBreaker,
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish | undefined,
): Promise<void> {
  return breaker.execute(
    () =>
      new Promise<void>((resolve, reject) => {
        // A closed channel throws here; the executor turns that into a rejection.
        channel.publish(exchange, routingKey, content, options, (error: unknown) => {
          if (error) {
            reject(error instanceof Error ? error : new Error('publish failed', { cause: error }));
          } else resolve();
        });
      }),
  );
}

/**
 * A publisher bound to `channel` and one breaker, for repeated use.
 *
 * @example
 * const orders = createPublisher(await connection.createConfirmChannel(), { breaker: { name: 'orders' } });
 * await orders.sendToQueue('orders', Buffer.from(JSON.stringify(order)), { persistent: true });
 */
export function createPublisher(channel: ConfirmChannel, config: PublishOptions): Publisher {
  const bad = check(channel, Buffer.alloc(0));
  if (bad) throw bad;
  const breaker = breakerFor((config as Partial<PublishOptions> | undefined)?.breaker);
  return {
    breaker,
    publish: (exchange, routingKey, content, options) => {
      if (!Buffer.isBuffer(content)) return Promise.reject(contentError(content));
      return send(breaker, channel, exchange, routingKey, content, options);
    },
    sendToQueue: (queue, content, options) => {
      if (!Buffer.isBuffer(content)) return Promise.reject(contentError(content));
      return send(breaker, channel, '', queue, content, options);
    },
  };
}
