import type { ServerResponse } from 'node:http';

/**
 * One event-stream client's output, written with backpressure: nothing is written while the
 * socket has not drained, so a large message (a snapshot of 10,000 breakers is ~7 MB) is sent
 * piece by piece at the reader's pace instead of being buffered whole or dropping the client.
 *
 * While it waits: an `update` (a whole picture of the fleet, superseded by the next) is kept as
 * the latest one only; other messages (transitions, cascade changes) queue in order, up to
 * `maxQueued` bytes, beyond which the client is disconnected (it reconnects and gets a fresh
 * snapshot). Heartbeats are skipped: a socket with data pending is not idle.
 */
export class StreamClient {
  readonly res: ServerResponse;
  private readonly maxQueued: number;
  /** Pieces of the message being written, when it did not fit at once. */
  private pieces: Iterator<string> | undefined;
  private readonly queue: string[] = [];
  private queued = 0;
  private latestUpdate: string | undefined;
  private waiting = false;

  constructor(res: ServerResponse, maxQueued: number) {
    this.res = res;
    this.maxQueued = maxQueued;
    res.on('drain', () => {
      this.waiting = false;
      this.pump();
    });
  }

  /** True while output waits for the socket to drain. */
  get behind(): boolean {
    return this.waiting || this.pieces !== undefined;
  }

  /** Sends a message made of `pieces` (written in order, with backpressure between them). */
  sendPieces(pieces: Iterable<string>): void {
    if (this.gone()) return;
    if (this.behind) {
      // Only the first snapshot comes in pieces, before anything else: keep the order anyway.
      for (const piece of pieces) this.enqueue(piece);
      return;
    }
    this.pieces = pieces[Symbol.iterator]();
    this.pump();
  }

  /** Sends one message now, or queues it behind what is waiting. */
  send(message: string): void {
    if (this.gone()) return;
    if (this.behind) this.enqueue(message);
    else this.waiting = !this.res.write(message);
  }

  /** Sends an update now, or keeps it as the one to send once the socket drains. */
  sendUpdate(message: string): void {
    if (this.gone()) return;
    if (this.behind) this.latestUpdate = message;
    else this.waiting = !this.res.write(message);
  }

  /** A heartbeat comment, only when the socket has nothing pending. */
  heartbeat(): void {
    if (!this.gone() && !this.behind) this.waiting = !this.res.write(`: heartbeat\n\n`);
  }

  private gone(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  private enqueue(message: string): void {
    this.queue.push(message);
    this.queued += message.length;
    if (this.queued > this.maxQueued) this.res.destroy();
  }

  private pump(): void {
    while (!this.waiting && !this.gone()) {
      let next: string | undefined;
      if (this.pieces) {
        const r = this.pieces.next();
        if (r.done === true) {
          this.pieces = undefined;
          continue;
        }
        next = r.value;
      } else if (this.queue.length > 0) {
        next = this.queue.shift();
        this.queued -= next?.length ?? 0;
      } else if (this.latestUpdate !== undefined) {
        next = this.latestUpdate;
        this.latestUpdate = undefined;
      } else {
        return;
      }
      if (next !== undefined) this.waiting = !this.res.write(next);
    }
  }
}
