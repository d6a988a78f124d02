import { createServer, type Server, type Socket } from 'node:net';
import { formatHostPort, type HostPort } from './address.js';
import { ChaosErrorCodes, FaultProxyError } from './errors.js';
import { Link, type LinkHost, type ToxicEntry } from './link.js';
import type { Toxic } from './toxics.js';

/** A proxy as the control API shows it. */
export interface ProxyInfo {
  name: string;
  /** The address it listens on; with port 0 asked, the port it got. */
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

/** One listening proxy of a {@link FaultProxy}: its listener, connections and toxics. */
export class ProxyListener implements LinkHost {
  readonly toxics: ToxicEntry[] = [];
  private readonly links = new Set<Link>();
  private server: Server | undefined;

  readonly name: string;
  listen: HostPort;
  upstream: HostPort;
  readonly random: () => number;

  constructor(name: string, listen: HostPort, upstream: HostPort, random: () => number) {
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
    this.random = random;
  }

  /** True while it accepts connections. */
  get enabled(): boolean {
    return this.server !== undefined;
  }

  /** Connections open through it now. */
  get connections(): number {
    return this.links.size;
  }

  /** Starts listening; port 0 is replaced by the port the system gave. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
      this.links.add(new Link(this, socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      throw new FaultProxyError(
        `listen ${formatHostPort(this.listen)}: ${(error as Error).message}`,
        ChaosErrorCodes.listen,
        this.name,
        { cause: error },
      );
    });
    const address = server.address();
    if (typeof address === 'object' && address !== null) this.listen.port = address.port;
    this.server = server;
  }

  /** Stops listening and drops every open connection (`enabled: false`). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const link of this.links) link.destroy(false);
    this.links.clear();
    if (server)
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
  }

  onClosed(link: Link): void {
    this.links.delete(link);
  }

  /** Adds a toxic; it applies to the open connections at once, and to every new one. */
  add(toxic: Toxic): void {
    const entry = { toxic };
    this.toxics.push(entry);
    for (const link of this.links) link.attach(entry);
  }

  /** Replaces a toxic's settings; the connections draw toxicity and arm timers anew. */
  update(entry: ToxicEntry, toxic: Toxic): void {
    for (const link of this.links) link.detach(entry);
    entry.toxic = toxic;
    for (const link of this.links) link.attach(entry);
  }

  /** Removes a toxic: held data flows again (what was dropped stays dropped). */
  remove(entry: ToxicEntry): void {
    const at = this.toxics.indexOf(entry);
    if (at >= 0) this.toxics.splice(at, 1);
    for (const link of this.links) link.detach(entry);
  }

  find(name: string): ToxicEntry | undefined {
    return this.toxics.find((e) => e.toxic.name === name);
  }

  info(): ProxyInfo {
    return {
      name: this.name,
      listen: formatHostPort(this.listen),
      upstream: formatHostPort(this.upstream),
      enabled: this.enabled,
      toxics: this.toxics.map((e) => ({ ...e.toxic, attributes: { ...e.toxic.attributes } })),
    };
  }
}
