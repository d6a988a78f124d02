import { connect, type Socket } from 'node:net';
import type { Toxic, ToxicStream } from './toxics.js';

/** A toxic as a proxy holds it: the same object while it lives, so links can key state on it. */
export interface ToxicEntry {
  toxic: Toxic;
}

/** What a link needs from its proxy. */
export interface LinkHost {
  /** The proxy's toxics, in the order they were added. */
  readonly toxics: readonly ToxicEntry[];
  readonly upstream: { host: string; port: number };
  /** Draws toxicity, in [0, 1). */
  readonly random: () => number;
  /** Called once, when both sockets are gone. */
  onClosed(link: Link): void;
}

/** A toxic's state on one connection: whether it applies, its counters and timer. */
interface ToxicState {
  applies: boolean;
  /** limit_data: bytes let through since the toxic applied. */
  bytes: number;
  /** bandwidth: the time (ms) the last byte let through is due. */
  release: number;
  timer: NodeJS.Timeout | undefined;
  /** Aborted when the toxic is removed: data it is delaying goes on at once, as in Toxiproxy. */
  removed: AbortController;
}

const HIGH_WATER = 16;
const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
  if (!(ms > 0) || signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
};

/**
 * One client connection and its upstream connection, with a pipe each way. Each pipe takes the
 * chunks in arrival order and passes them through the toxics of its stream, in order; a toxic
 * may delay a chunk (latency from its arrival, so chunks overlap their waits as on a real slow
 * link), pace it (bandwidth), cut it (slicer, limit_data) or drop it (timeout, reset_peer).
 */
export class Link {
  private readonly states = new Map<ToxicEntry, ToxicState>();
  private readonly upstreamSocket: Socket;
  private closed = false;

  private readonly host: LinkHost;
  private readonly client: Socket;

  constructor(host: LinkHost, client: Socket) {
    this.host = host;
    this.client = client;
    this.upstreamSocket = connect({ ...host.upstream, allowHalfOpen: true });
    const sockets = [client, this.upstreamSocket];
    // Without it, Nagle's algorithm and delayed ACKs add ~40 ms to request/response protocols.
    for (const socket of sockets) socket.setNoDelay(true);
    for (const socket of sockets) {
      socket.on('error', () => {
        this.destroy(false);
      });
      socket.once('close', () => {
        if (sockets.every((s) => s.destroyed)) this.finish();
        else if (this.alive()) this.destroy(false);
      });
    }
    for (const entry of host.toxics) this.attach(entry);
    this.pipe('upstream', client, this.upstreamSocket);
    this.pipe('downstream', this.upstreamSocket, client);
  }

  /** Starts a toxic on this connection: draws its toxicity, arms its timer. */
  attach(entry: ToxicEntry): void {
    const applies = this.host.random() < entry.toxic.toxicity;
    const state: ToxicState = {
      applies,
      bytes: 0,
      release: 0,
      timer: undefined,
      removed: new AbortController(),
    };
    this.states.set(entry, state);
    if (!applies) return;
    const { type, attributes } = entry.toxic;
    if (type === 'reset_peer') {
      state.timer = setTimeout(() => {
        this.destroy(true);
      }, attributes.timeout);
    } else if (type === 'timeout' && (attributes.timeout ?? 0) > 0) {
      state.timer = setTimeout(() => {
        this.destroy(false);
      }, attributes.timeout);
    }
  }

  /** Stops a toxic on this connection (it was removed or is being replaced). */
  detach(entry: ToxicEntry): void {
    const state = this.states.get(entry);
    clearTimeout(state?.timer);
    state?.removed.abort();
    this.states.delete(entry);
  }

  /** Closes both sockets; `reset` sends a TCP RST instead of a FIN. */
  destroy(reset: boolean): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of [this.client, this.upstreamSocket]) {
      if (reset && !socket.destroyed && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
  }

  // A method, not a field read: the compiler would keep a narrowing of the field across awaits.
  private alive(): boolean {
    return !this.closed;
  }

  private finish(): void {
    this.closed = true;
    for (const state of this.states.values()) clearTimeout(state.timer);
    this.states.clear();
    this.host.onClosed(this);
  }

  private active(stream: ToxicStream): ToxicEntry[] {
    return this.host.toxics.filter(
      (e) => e.toxic.stream === stream && this.states.get(e)?.applies === true,
    );
  }

  private pipe(stream: ToxicStream, source: Socket, dest: Socket): void {
    const queue: { data: Buffer; at: number }[] = [];
    let running = false;
    let ended = false;
    const drain = async (): Promise<void> => {
      if (running) return;
      running = true;
      while (queue.length > 0 && this.alive()) {
        const chunk = queue.shift();
        if (queue.length < HIGH_WATER / 2 && source.isPaused()) source.resume();
        if (chunk) await this.through(this.active(stream), 0, chunk.data, chunk.at, dest);
      }
      if (ended && queue.length === 0 && this.alive()) {
        ended = false;
        const slow = this.active(stream).find((e) => e.toxic.type === 'slow_close');
        await sleep(slow?.toxic.attributes.delay ?? 0);
        if (this.alive()) dest.end();
      }
      running = false;
    };
    source.on('data', (data: Buffer) => {
      queue.push({ data, at: Date.now() });
      if (queue.length >= HIGH_WATER) source.pause();
      void drain();
    });
    source.once('end', () => {
      ended = true;
      void drain();
    });
  }

  /** Passes `data` through toxic `i` and the ones after it, then writes it. */
  private async through(
    entries: readonly ToxicEntry[],
    i: number,
    data: Buffer,
    at: number,
    dest: Socket,
  ): Promise<void> {
    if (!this.alive() || data.length === 0) return;
    const entry = entries[i];
    if (entry === undefined) {
      if (!dest.write(data)) await new Promise((resolve) => dest.once('drain', resolve));
      return;
    }
    const next = (piece: Buffer): Promise<void> => this.through(entries, i + 1, piece, at, dest);
    const a = entry.toxic.attributes;
    const state = this.states.get(entry);
    switch (entry.toxic.type) {
      case 'timeout':
      case 'reset_peer':
        return; // held back and dropped; the timer (if any) closes the connection
      case 'latency': {
        const jitter = (a.jitter ?? 0) > 0 ? (this.host.random() * 2 - 1) * (a.jitter ?? 0) : 0;
        await sleep(at + (a.latency ?? 0) + jitter - Date.now(), state?.removed.signal);
        return next(data);
      }
      case 'bandwidth': {
        const rate = a.rate ?? 0; // KB/s of 1000 bytes = bytes per ms
        if (rate <= 0 || state === undefined) return next(data);
        const piece = Math.max(1, Math.floor(rate * 100)); // 100 ms worth at a time
        for (let off = 0; off < data.length && this.alive(); off += piece) {
          const part = data.subarray(off, off + piece);
          state.release = Math.max(Date.now(), state.release) + part.length / rate;
          await sleep(state.release - Date.now(), state.removed.signal);
          await next(part);
        }
        return;
      }
      case 'slicer': {
        const average = a.average_size ?? 0;
        if (average <= 0) return next(data);
        const variation = Math.min(a.size_variation ?? 0, average - 1);
        let off = 0;
        while (off < data.length && this.alive()) {
          const size = Math.max(1, Math.round(average + (this.host.random() * 2 - 1) * variation));
          await next(data.subarray(off, off + size));
          off += size;
          if (off < data.length) await sleep((a.delay ?? 0) / 1000, state?.removed.signal);
        }
        return;
      }
      case 'limit_data': {
        if (state === undefined) return next(data);
        const limit = a.bytes ?? 0;
        const part = data.subarray(0, Math.max(0, limit - state.bytes));
        state.bytes += part.length;
        await next(part);
        if (state.bytes >= limit) this.closeAfterWrites();
        return;
      }
      case 'slow_close':
        return next(data);
    }
  }

  /** limit_data reached: what was written is delivered, then both sides are closed. */
  private closeAfterWrites(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
    this.upstreamSocket.end();
    this.client.destroySoon();
    this.upstreamSocket.destroySoon();
  }
}
