import type { CancelTimer, Clock } from '../../core/clock.js';
import { AlertDeliveryError, type Alert, type AlertSink } from './alert.js';

/** How each sink's deliveries are queued, batched, paced and retried. */
export interface DeliveryOptions {
  /**
   * Alerts held per sink, the batch being sent included; beyond it the oldest waiting are
   * dropped (and reported). Default 1000.
   */
  maxQueue: number;
  /** Alerts per request. Default 50. */
  maxBatch: number;
  /** Retries after a failed attempt (network error, timeout, 5xx, 408, 429). Default 4. */
  retries: number;
  /** First retry delay in ms, doubled per retry up to `maxBackoff`. Default 1000. */
  backoff: number;
  /** Longest retry delay in ms (a longer `Retry-After` is honoured). Default 60000. */
  maxBackoff: number;
  /** Share of each delay taken off at random (0..1), so instances do not retry in step. Default 0.5. */
  jitter: number;
  /** Real-time limit of one request in ms; a receiver that hangs is given up on. Default 10000. */
  timeout: number;
  /** At most `requests` requests per `per` ms to each sink (a token bucket). Default 20 per 60000. */
  rateLimit: { requests: number; per: number };
}

/** Counters of one sink. */
export interface SinkStats {
  /** The sink's name. */
  sink: string;
  /** Alerts delivered. */
  delivered: number;
  /** Requests that succeeded. */
  requests: number;
  /** Attempts that failed. */
  failures: number;
  /** Attempts that were retries. */
  retries: number;
  /** Alerts given up on (queue overflow, permanent error, retries exhausted). */
  dropped: number;
  /** Alerts waiting now (in flight included). */
  queued: number;
}

/**
 * Delivers the alerts of one sink, one request at a time: a bounded queue, batches, a token
 * bucket, and retries with exponential backoff. Nothing here is ever awaited by the caller of
 * `enqueue`, and nothing it does can throw into it.
 */
export class SinkRunner {
  readonly sink: AlertSink;
  private readonly o: DeliveryOptions;
  private readonly clock: Clock;
  private readonly schedule: (ms: number, callback: () => void) => CancelTimer;
  private readonly random: () => number;
  private readonly report: (error: AlertDeliveryError) => void;
  private queue: Alert[] = [];
  private inFlight: readonly Alert[] | undefined;
  private timer: CancelTimer | undefined;
  private attempt = 0;
  private tokens: number;
  private refilledAt: number;
  private overflowReported = false;
  private closing = false;
  private waiters: (() => void)[] = [];
  private readonly counters = { delivered: 0, requests: 0, failures: 0, retries: 0, dropped: 0 };

  constructor(options: {
    sink: AlertSink;
    delivery: DeliveryOptions;
    clock: Clock;
    schedule: (ms: number, callback: () => void) => CancelTimer;
    random: () => number;
    report: (error: AlertDeliveryError) => void;
  }) {
    this.sink = options.sink;
    this.o = options.delivery;
    this.clock = options.clock;
    this.schedule = options.schedule;
    this.random = options.random;
    this.report = options.report;
    this.tokens = this.o.rateLimit.requests;
    this.refilledAt = this.clock.now();
  }

  /** Queues `alert` and starts a delivery when none is under way. */
  enqueue(alert: Alert): void {
    if (this.closing) return;
    this.queue.push(alert);
    this.trim();
    this.pump();
  }

  /** The sink's counters. */
  stats(): SinkStats {
    return {
      sink: this.sink.name,
      ...this.counters,
      queued: this.queue.length + (this.inFlight?.length ?? 0),
    };
  }

  /** True when nothing is queued, in flight or waiting for a retry. */
  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === undefined && this.timer === undefined;
  }

  /** Resolves once no request is in flight (a retry may still be scheduled). */
  settled(): Promise<void> {
    if (this.inFlight === undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Stops: cancels any wait, makes one last attempt with what is queued (no retry), waits for
   * the request in flight, and closes the sink.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.timer?.();
    this.timer = undefined;
    await this.settled();
    if (this.queue.length > 0) {
      this.deliver(this.queue.splice(0, this.o.maxBatch));
      await this.settled();
    }
    this.counters.dropped += this.queue.length;
    this.queue = [];
    try {
      await this.sink.close?.();
    } catch {
      // Closing is best effort: the process is going away.
    }
  }

  private trim(): void {
    // The batch in flight counts: without it the sink held up to maxQueue + maxBatch.
    const excess = this.queue.length + (this.inFlight?.length ?? 0) - this.o.maxQueue;
    if (excess <= 0) {
      if (this.queue.length === 0) this.overflowReported = false;
      return;
    }
    this.counters.dropped += this.queue.splice(0, excess).length;
    if (!this.overflowReported) {
      this.overflowReported = true;
      this.report(
        new AlertDeliveryError(
          this.sink.name,
          `alert sink ${JSON.stringify(this.sink.name)}: queue full (${this.o.maxQueue} alerts), dropping the oldest`,
          { retryable: false },
        ),
      );
    }
  }

  private pump(): void {
    if (this.closing || this.inFlight !== undefined || this.timer !== undefined) return;
    if (this.queue.length === 0) {
      this.overflowReported = false;
      return;
    }
    const { requests, per } = this.o.rateLimit;
    const now = this.clock.now();
    this.tokens = Math.min(requests, this.tokens + ((now - this.refilledAt) * requests) / per);
    this.refilledAt = now;
    if (this.tokens < 1) {
      const wait = Math.ceil(((1 - this.tokens) * per) / requests);
      this.wait(wait);
      return;
    }
    this.tokens -= 1;
    this.deliver(this.queue.splice(0, this.o.maxBatch));
  }

  private wait(ms: number): void {
    this.timer = this.schedule(ms, () => {
      this.timer = undefined;
      this.pump();
    });
  }

  private deliver(batch: readonly Alert[]): void {
    this.inFlight = batch;
    const controller = new AbortController();
    const timeout = setTimeout(() => {
      controller.abort(new Error(`timed out after ${this.o.timeout} ms`));
    }, this.o.timeout);
    timeout.unref();
    let sending: Promise<void>;
    try {
      sending = this.sink.send(batch, controller.signal);
    } catch (error) {
      sending = Promise.reject(error);
    }
    // A receiver that never answers (and a sink that ignores the signal) is cut off here.
    const limit = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => {
        reject(controller.signal.reason);
      });
    });
    Promise.race([sending, limit]).then(
      () => {
        clearTimeout(timeout);
        this.succeeded(batch);
      },
      (error: unknown) => {
        clearTimeout(timeout);
        this.failed(batch, error, controller.signal.aborted);
      },
    );
  }

  private succeeded(batch: readonly Alert[]): void {
    this.counters.delivered += batch.length;
    this.counters.requests++;
    this.attempt = 0;
    this.settle();
    this.pump();
  }

  private failed(batch: readonly Alert[], error: unknown, timedOut: boolean): void {
    this.counters.failures++;
    const e = AlertDeliveryError.is(error)
      ? error
      : new AlertDeliveryError(
          this.sink.name,
          timedOut
            ? `timed out after ${this.o.timeout} ms`
            : error instanceof Error
              ? error.message
              : String(error),
          { retryable: true, cause: error },
        );
    const label = `alert sink ${JSON.stringify(this.sink.name)}`;
    if (this.closing || !e.retryable || this.attempt >= this.o.retries) {
      this.counters.dropped += batch.length;
      const why = this.closing
        ? 'while closing'
        : e.retryable
          ? `after ${this.attempt + 1} attempts`
          : 'not retryable';
      this.report(
        new AlertDeliveryError(
          e.sink,
          `${label}: ${e.message}; dropped ${batch.length} alert(s) (${why})`,
          {
            retryable: false,
            cause: e,
            ...(e.status === undefined ? {} : { status: e.status }),
          },
        ),
      );
      this.attempt = 0;
      this.settle();
      this.pump();
      return;
    }
    this.attempt++;
    this.counters.retries++;
    const exp = Math.min(this.o.maxBackoff, this.o.backoff * 2 ** (this.attempt - 1));
    const delay = Math.max(
      e.retryAfter ?? 0,
      Math.round(exp * (1 - this.o.jitter * this.random())),
    );
    this.inFlight = undefined;
    this.queue.unshift(...batch);
    this.trim();
    this.report(
      new AlertDeliveryError(
        e.sink,
        `${label}: ${e.message}; retry ${this.attempt} of ${this.o.retries} in ${delay} ms`,
        { retryable: true, cause: e, ...(e.status === undefined ? {} : { status: e.status }) },
      ),
    );
    this.inFlight = undefined;
    this.wait(delay);
    this.settle();
  }

  private settle(): void {
    this.inFlight = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
