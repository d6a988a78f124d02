import type { Channel, ConsumeMessage } from 'amqplib';
import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import { reportListenerError } from '../../core/emitter.js';
import type { Disposer } from '../../core/types.js';
import { AttemptCounter } from './attempts.js';
import type { ResolvedConsumeOptions } from './options.js';

/** Handles one message; resolving acks it, throwing or rejecting nacks it. */
export type MessageHandler = (message: ConsumeMessage, signal: AbortSignal) => unknown;

/**
 * - `consuming`: subscribed with the full prefetch (breaker closed);
 * - `probing`: subscribed with prefetch 1, so one message at a time probes the dependency
 *   (breaker half-open);
 * - `paused`: not subscribed: nothing is delivered (breaker open);
 * - `closing`: `close()` was called and in-flight handlers are finishing;
 * - `closed`: stopped, by `close()` or because the channel died.
 */
export type ConsumerState = 'consuming' | 'probing' | 'paused' | 'closing' | 'closed';

/** Counters of a consumer since it started. */
export interface ConsumerStats {
  /** Deliveries received. */
  delivered: number;
  /** Messages acked after their handler succeeded. */
  acked: number;
  /** Messages nacked with requeue after their handler failed. */
  requeued: number;
  /** Messages rejected without requeue after `maxAttempts` failed handler runs. */
  deadLettered: number;
  /** Deliveries given back unstarted (nack with requeue): not admitted, or closing. */
  returned: number;
  /** Deliveries left to the broker because the channel was gone before their ack or nack. */
  abandoned: number;
  /** Times the consumer unsubscribed because the breaker would not admit messages. */
  pauses: number;
}

/** Why a consumer stopped. */
export interface ConsumerEnd {
  /** `closed`: by `close()`; `channel-closed`: the channel or connection died; `cancelled`: by the broker. */
  reason: 'closed' | 'channel-closed' | 'cancelled';
  /** What went wrong, when the consumer did not stop by `close()`. */
  error?: Error;
}

/** What `consume` resolves to. */
export interface BreakerConsumer {
  /**
   * Stops consuming (the broker subscription is cancelled), gives back deliveries not yet
   * started, and resolves once every in-flight handler has finished and its message is acked or
   * nacked. The channel stays open. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** The breaker the messages go through. */
  readonly breaker: CircuitBreaker;
  /** See {@link ConsumerState}. */
  readonly state: ConsumerState;
  /** A live view of the counters. */
  readonly stats: Readonly<ConsumerStats>;
  /** Resolves (never rejects) when the consumer stops for good, with the reason. */
  readonly done: Promise<ConsumerEnd>;
}

// While a probe admission is held by someone else sharing the breaker, look again this often.
const PROBE_RECHECK_MS = 1000;

const noop = (): void => undefined;

const asError = (value: unknown): Error =>
  value instanceof Error ? value : new Error(String(value), { cause: value });

/** The machinery behind `consume`; see there. */
export class Consumer implements BreakerConsumer {
  readonly breaker: CircuitBreaker;
  readonly stats: ConsumerStats = {
    delivered: 0,
    acked: 0,
    requeued: 0,
    deadLettered: 0,
    returned: 0,
    abandoned: 0,
    pauses: 0,
  };
  readonly done: Promise<ConsumerEnd>;
  private readonly channel: Channel;
  private readonly queue: string;
  private readonly handler: MessageHandler;
  private readonly o: ResolvedConsumeOptions;
  private readonly attempts: AttemptCounter | undefined;
  private resolveDone: (end: ConsumerEnd) => void = noop;
  // The broker subscription, when there is one, and what it was made for.
  private tag: string | undefined;
  private tagPrefetch = 0;
  private probing = false;
  // The loop that brings the subscription in line with the breaker; one at a time.
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  // Someone else holds the half-open probe admissions: stay unsubscribed until a transition.
  private blocked = false;
  // Messages to nack with requeue once no subscription can take them back at once: deliveries
  // not started, and failed ones while the breaker is open. `true`: the handler ran (a failure).
  private held: { message: ConsumeMessage; failed: boolean }[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closing = false;
  private closed: Promise<void> | undefined;
  private ended: ConsumerEnd | undefined;
  private starting = true;
  private channelError: Error | undefined;
  private unsubscribe: Disposer | undefined;

  constructor(channel: Channel, queue: string, handler: MessageHandler, o: ResolvedConsumeOptions) {
    this.channel = channel;
    this.queue = queue;
    this.handler = handler;
    this.o = o;
    this.breaker = o.breaker;
    this.attempts = Number.isFinite(o.maxAttempts) ? new AttemptCounter() : undefined;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  get state(): ConsumerState {
    if (this.ended) return 'closed';
    if (this.closing) return 'closing';
    if (this.tag === undefined) return 'paused';
    return this.probing ? 'probing' : 'consuming';
  }

  /** Subscribes (or waits paused, when the breaker is open); rejects when that fails. */
  async start(): Promise<void> {
    this.unsubscribe = this.breaker.onTransition(this.onTransition);
    this.channel.on('error', this.onChannelError);
    this.channel.on('close', this.onChannelClose);
    this.wake();
    while (this.running) await this.running;
    this.starting = false;
    if (this.ended) {
      throw this.ended.error ?? new Error(`consume(${JSON.stringify(this.queue)}) stopped`);
    }
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.wake();
    while (this.running) await this.running;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    this.stop({ reason: 'closed' });
  }

  // --- keeping the subscription in line with the breaker ----------------------------------

  private readonly onTransition = (): void => {
    // A new state is a new episode: any probe admission someone else held is gone.
    this.blocked = false;
    this.wake();
  };

  private wake(): void {
    if (this.ended) return;
    this.dirty = true;
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    // Never act inside the caller: it may be the breaker delivering a transition.
    await Promise.resolve();
    try {
      while (this.dirty && !this.ended) {
        this.dirty = false;
        await this.step();
      }
    } catch (error) {
      // Every failed channel operation closes the channel in AMQP 0-9-1.
      this.stop({ reason: 'channel-closed', error: this.channelError ?? asError(error) });
    } finally {
      this.running = undefined;
    }
  }

  /** One pass: unsubscribe or resubscribe as the breaker's state asks, give back held messages. */
  private async step(): Promise<void> {
    this.clearTimer();
    const state = this.closing ? 'closing' : this.breaker.state;
    const want =
      state === 'closed' ? this.o.prefetch : state === 'half-open' && !this.blocked ? 1 : 0;
    if (this.tag !== undefined && want !== this.tagPrefetch) {
      await this.channel.cancel(this.tag);
      this.tag = undefined;
      if (want === 0 && !this.closing) this.stats.pauses++;
    }
    // No delivery reaches a cancelled subscription: what is given back now stays in the queue.
    this.returnHeld();
    if (this.ended) return;
    if (want > 0 && this.tag === undefined) {
      await this.channel.prefetch(want);
      const ok = await this.channel.consume(this.queue, this.onDelivery, { noAck: false });
      this.tag = ok.consumerTag;
      this.tagPrefetch = want;
    }
    this.probing = state === 'half-open';
    if (want === 0) this.armTimer(state);
  }

  /** While unsubscribed: one unref'd timer for the moment the breaker turns half-open. */
  private armTimer(state: string): void {
    if (this.closing || this.ended) return;
    const ms =
      state === 'open' ? this.breaker.retryAfter : state === 'half-open' ? PROBE_RECHECK_MS : NaN;
    // Forced open (Infinity): only a transition (reset) brings the consumer back.
    if (!Number.isFinite(ms)) return;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(ms)));
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.blocked = false;
    this.wake();
  };

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  // --- messages ----------------------------------------------------------------------------

  private readonly onDelivery = (message: ConsumeMessage | null): void => {
    if (message === null) {
      this.tag = undefined;
      this.stop({
        reason: 'cancelled',
        error: new Error(
          `the broker cancelled the consumer of queue ${JSON.stringify(this.queue)}`,
        ),
      });
      return;
    }
    this.stats.delivered++;
    if (this.closing || this.ended) {
      this.giveBack(message);
      return;
    }
    this.dispatch(message);
  };

  private dispatch(message: ConsumeMessage): void {
    let handled: Promise<unknown> | undefined;
    // Admission is decided synchronously: `fn` has run (or not) when execute returns.
    const call = this.breaker.execute((signal) => {
      handled = this.run(message, signal);
      return handled;
    });
    // The breaker's record of the call (a timeout, say) is not the message's fate; the handler's
    // own result is, so a message is acked only once its handler really succeeded.
    call.catch(noop);
    if (handled === undefined) {
      if (this.breaker.state === 'half-open') this.blocked = true;
      this.giveBack(message);
      return;
    }
    this.inFlight++;
    const attempt = this.attempts?.next(message) ?? 1;
    handled.then(
      () => {
        this.settle(message, true, attempt);
      },
      () => {
        this.settle(message, false, attempt);
      },
    );
  }

  private run(message: ConsumeMessage, signal: AbortSignal): Promise<unknown> {
    try {
      return Promise.resolve(this.handler(message, signal));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  private settle(message: ConsumeMessage, ok: boolean, attempt: number): void {
    this.inFlight--;
    if (ok) {
      this.attempts?.forget(message);
      if (this.send(message, 'ack')) this.stats.acked++;
    } else if (attempt >= this.o.maxAttempts) {
      this.attempts?.forget(message);
      if (this.send(message, 'reject')) this.stats.deadLettered++;
    } else {
      this.attempts?.failed(message, attempt);
      // The breaker recorded this failure just before (its reaction to the handler's promise
      // runs first). If that opened it, requeueing now would bring the message straight back to
      // a subscription about to be cancelled: give it back after the cancel instead.
      if (this.breaker.state === 'open' && !this.ended) {
        this.held.push({ message, failed: true });
        this.wake();
      } else if (this.send(message, 'requeue')) this.stats.requeued++;
    }
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** A delivery that will not be started: back to the queue once no subscription can take it. */
  private giveBack(message: ConsumeMessage): void {
    if (this.ended) {
      if (this.send(message, 'requeue')) this.stats.returned++;
      return;
    }
    this.held.push({ message, failed: false });
    this.wake();
  }

  private returnHeld(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const { message, failed } of held) {
      if (this.send(message, 'requeue')) {
        if (failed) this.stats.requeued++;
        else this.stats.returned++;
      }
    }
  }

  /** Acks, requeues or rejects; false when the channel is gone (the broker requeues then). */
  private send(message: ConsumeMessage, action: 'ack' | 'requeue' | 'reject'): boolean {
    try {
      if (action === 'ack') this.channel.ack(message);
      else this.channel.nack(message, false, action === 'requeue');
      return true;
    } catch {
      this.stats.abandoned++;
      return false;
    }
  }

  // --- the end -------------------------------------------------------------------------------

  private readonly onChannelError = (error: Error): void => {
    this.channelError = error;
  };

  private readonly onChannelClose = (): void => {
    this.tag = undefined;
    this.stop({
      reason: 'channel-closed',
      error:
        this.channelError ??
        new Error(`the channel closed while consuming queue ${JSON.stringify(this.queue)}`),
    });
  };

  private stop(end: ConsumerEnd): void {
    if (this.ended) return;
    this.ended = end;
    this.clearTimer();
    this.unsubscribe?.();
    this.channel.removeListener('error', this.onChannelError);
    this.channel.removeListener('close', this.onChannelClose);
    this.returnHeld();
    this.resolveDone(end);
    if (end.error && !this.starting && this.o.onError) {
      try {
        this.o.onError(end.error);
      } catch (listenerError) {
        reportListenerError('consume onError', listenerError);
      }
    }
  }
}
