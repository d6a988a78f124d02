import type { IncomingMessage, ServerResponse } from 'node:http';
import { scheduleUnref, type CancelTimer, type Clock } from '../core/clock.js';
import { reportListenerError } from '../core/emitter.js';
import { StreamClient } from './stream-client.js';

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  clock: Clock;
  /** Ms between `update` events. */
  updateInterval: number;
  /** Ms between heartbeat comments. */
  heartbeatInterval: number;
  maxClients: number;
  /**
   * Bytes of messages queued for a client that does not read fast enough, beyond which it is
   * dropped (it reconnects). The message being written and the latest update do not count.
   */
  maxBuffered: number;
  /** The `update` event's data (JSON), made once per tick for every client. */
  update: () => string;
}

/**
 * Fewest real ms between two prompt updates (see {@link EventStream.soon}): a storm of
 * transitions costs at most 20 snapshots a second, not one per transition.
 */
const PROMPT_GAP = 50;

/** One Server-Sent Events message. `data` must hold no line break (JSON.stringify's output). */
export function sseMessage(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/**
 * One Server-Sent Events message whose data comes in pieces (each without a line break), as
 * one `data:` line each: the reader joins them with line feeds, which JSON reads as spaces.
 */
export function* sseMessagePieces(event: string, pieces: Iterable<string>): Generator<string> {
  yield `event: ${event}\n`;
  for (const piece of pieces) yield `data: ${piece}\n`;
  yield '\n';
}

/**
 * The `/events` endpoint: a Server-Sent Events stream per client, an `update` pushed to all of
 * them every `updateInterval`, messages broadcast as they happen, and a heartbeat comment every
 * `heartbeatInterval`. The two timers run only while at least one client is connected, and a
 * client that goes away (or falls `maxBuffered` bytes behind) is dropped at once. Output to
 * each client respects backpressure (see {@link StreamClient}).
 */
export class EventStream {
  private readonly o: EventStreamOptions;
  private readonly clients = new Map<ServerResponse, StreamClient>();
  private cancelUpdate: CancelTimer | undefined;
  private cancelHeartbeat: CancelTimer | undefined;
  private prompt: NodeJS.Immediate | NodeJS.Timeout | undefined;
  /** `performance.now()` of the last update sent, for {@link PROMPT_GAP}. */
  private lastUpdate = -Infinity;
  private closed = false;

  constructor(options: EventStreamOptions) {
    this.o = options;
  }

  /** Clients connected now. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Starts a stream on `res`: headers, a reconnection delay, then `first` (a full snapshot's
   * JSON, in pieces, sent at the reader's pace). Refuses with 503 when `maxClients` are
   * connected or the stream is closed.
   */
  open(req: IncomingMessage, res: ServerResponse, first: () => Iterable<string>): void {
    if (this.closed || this.clients.size >= this.o.maxClients) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
      res.end(this.closed ? 'dashboard closed\n' : 'too many dashboard clients\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to; a buffered stream is no stream.
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    req.socket.setNoDelay(true);
    const client = new StreamClient(res, this.o.maxBuffered);
    this.clients.set(res, client);
    res.on('close', () => {
      this.drop(res);
    });
    client.send('retry: 2000\n\n');
    client.sendPieces(sseMessagePieces('snapshot', first()));
    this.arm();
  }

  /** Sends one event to every client. */
  broadcast(event: string, data: string): void {
    if (this.clients.size === 0) return;
    const message = sseMessage(event, data);
    for (const client of [...this.clients.values()]) {
      if (event === 'update') client.sendUpdate(message);
      else client.send(message);
    }
  }

  /**
   * Sends an update as soon as the current burst of work is done (coalesced, and at most one
   * per {@link PROMPT_GAP}), besides the regular ones: called after a transition or a cascade
   * change so that the pages render the new state from one snapshot at once, instead of
   * patching part of the page from the event and the rest a second later.
   */
  soon(): void {
    if (this.prompt !== undefined || this.clients.size === 0 || this.closed) return;
    const run = (): void => {
      this.prompt = undefined;
      this.sendUpdate();
    };
    const wait = this.lastUpdate + PROMPT_GAP - performance.now();
    this.prompt = wait > 0 ? setTimeout(run, wait) : setImmediate(run);
    this.prompt.unref();
  }

  /** Ends every stream and stops the timers; later clients get 503. */
  close(): void {
    this.closed = true;
    this.cancelPrompt();
    for (const res of [...this.clients.keys()]) {
      this.drop(res);
      res.end();
    }
  }

  private cancelPrompt(): void {
    if (this.prompt === undefined) return;
    clearTimeout(this.prompt as NodeJS.Timeout);
    clearImmediate(this.prompt as NodeJS.Immediate);
    this.prompt = undefined;
  }

  private sendUpdate(): void {
    if (this.clients.size === 0) return;
    this.lastUpdate = performance.now();
    let data: string | undefined;
    try {
      data = this.o.update();
    } catch (error) {
      reportListenerError('dashboard update', error);
    }
    if (data !== undefined) this.broadcast('update', data);
  }

  private drop(res: ServerResponse): void {
    if (!this.clients.delete(res) || this.clients.size > 0) return;
    this.cancelPrompt();
    this.cancelUpdate?.();
    this.cancelHeartbeat?.();
    this.cancelUpdate = undefined;
    this.cancelHeartbeat = undefined;
  }

  private schedule(ms: number, callback: () => void): CancelTimer {
    const { clock } = this.o;
    return clock.schedule ? clock.schedule(ms, callback) : scheduleUnref(ms, callback);
  }

  private arm(): void {
    if (this.cancelUpdate !== undefined) return;
    const update = (): void => {
      this.cancelUpdate = undefined;
      this.sendUpdate();
      if (this.clients.size > 0) this.cancelUpdate = this.schedule(this.o.updateInterval, update);
    };
    const heartbeat = (): void => {
      this.cancelHeartbeat = undefined;
      for (const client of [...this.clients.values()]) client.heartbeat();
      if (this.clients.size > 0) {
        this.cancelHeartbeat = this.schedule(this.o.heartbeatInterval, heartbeat);
      }
    };
    this.cancelUpdate = this.schedule(this.o.updateInterval, update);
    this.cancelHeartbeat = this.schedule(this.o.heartbeatInterval, heartbeat);
  }
}
