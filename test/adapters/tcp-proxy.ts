// A TCP proxy on loopback the tests switch between forwarding to a real server, resetting every
// connection (a server that died), and swallowing them (a host that does not answer). It gives a
// real network path to the real server that can fail and recover without touching the server.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'reset' | 'blackhole';

export class TcpProxy {
  /** Connections accepted since start, whatever the mode. */
  accepted = 0;
  private mode: ProxyMode = 'forward';
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private readonly target: { port: number; host: string };

  private constructor(target: { port: number; host: string }) {
    this.target = target;
    this.server = createServer((socket) => {
      this.onConnection(socket);
    });
  }

  /** Starts a proxy on 127.0.0.1 (random port) in front of `target`. */
  static async start(target: { port: number; host?: string }): Promise<TcpProxy> {
    const proxy = new TcpProxy({ port: target.port, host: target.host ?? '127.0.0.1' });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy not listening');
    return address.port;
  }

  /** Switches mode; leaving `forward` resets every live connection. */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode !== 'forward') {
      for (const socket of this.sockets) socket.resetAndDestroy();
      this.sockets.clear();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private onConnection(client: Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    if (this.mode === 'blackhole') return;
    const upstream = connect(this.target);
    upstream.on('error', () => {
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => {
      if (!client.destroyed) client.destroy();
    });
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
