// Real servers on loopback for the fault proxy's tests, and a client that records what it got.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/** A TCP server on 127.0.0.1 (random port) that runs `onSocket` for every connection. */
export async function tcpServer(
  onSocket: (socket: Socket) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** An echo server: every byte comes back. */
export const echoServer = () => tcpServer((s) => s.pipe(s));

/** A client connection that collects what it receives and how it ended. */
export class Client {
  readonly socket: Socket;
  readonly chunks: { at: number; data: Buffer }[] = [];
  ended: number | undefined;
  closed: number | undefined;
  error: NodeJS.ErrnoException | undefined;
  readonly started = Date.now();

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    this.socket.on('data', (data: Buffer) => this.chunks.push({ at: Date.now(), data }));
    this.socket.on('end', () => (this.ended = Date.now()));
    this.socket.on('error', (e: NodeJS.ErrnoException) => (this.error = e));
    this.socket.on('close', () => (this.closed = Date.now()));
  }

  static async open(port: number): Promise<Client> {
    const client = new Client(port);
    await once(client.socket, 'connect');
    return client;
  }

  get received(): string {
    return Buffer.concat(this.chunks.map((c) => c.data)).toString();
  }

  /** Resolves once `n` bytes arrived (or rejects after `ms`). */
  async bytes(n: number, ms = 3000): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${this.received.length} of ${n} bytes`);
      await sleep(5);
    }
    return Date.now();
  }

  /** Resolves once the peer ended or the socket closed (or rejects after `ms`). */
  async whenClosed(ms = 3000): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const at = this.ended ?? this.closed;
      if (at !== undefined) return at;
      if (Date.now() > deadline) throw new Error('the connection did not close');
      await sleep(5);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** The port of a `host:port` listen address. */
export const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));
