import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { show } from '../manager/config/values.js';
import { formatHostPort, parseHostPort, type HostPort } from './address.js';
import { ChaosErrorCodes, FaultProxyError } from './errors.js';
import { formatIssues, isRecord, parseName, read, unknownKeys, type Issue } from './issues.js';
import { ProxyListener, type ProxyInfo } from './proxy.js';
import { checkToxic, type Toxic } from './toxics.js';

/** Options of {@link FaultProxy}. */
export interface FaultProxyOptions {
  /** Draws toxicity and jitter, in [0, 1). Default `Math.random`; pass `seededRandom(n)` in tests. */
  random?: () => number;
}

const PROXY_KEYS = ['name', 'listen', 'upstream', 'enabled', 'toxics'];

function badRequest(issues: readonly Issue[], proxy = ''): FaultProxyError {
  return new FaultProxyError(formatIssues(issues).join('; '), ChaosErrorCodes.badRequest, proxy);
}

interface ProxyFields {
  name?: string;
  listen?: HostPort;
  upstream?: HostPort;
  enabled?: boolean;
}

/** Reads a proxy body; `create` makes name, listen and upstream required. */
function checkProxy(body: unknown, create: boolean, issues: Issue[], path: Issue['path'] = []) {
  const out: ProxyFields = {};
  if (!isRecord(body)) {
    issues.push({ path, message: `expected a proxy object, got ${show(body)}` });
    return out;
  }
  unknownKeys(body, PROXY_KEYS, path, issues);
  const field = <T>(key: string, parse: (v: unknown) => T): T | undefined => {
    if (body[key] === undefined && !create) return undefined;
    return read(body[key], [...path, key], issues, parse);
  };
  out.name = field('name', parseName);
  out.listen = field('listen', (v) => parseHostPort(v, { allowZero: true }));
  out.upstream = field('upstream', (v) => parseHostPort(v));
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
    issues.push({
      path: [...path, 'enabled'],
      message: `expected true or false, got ${show(body.enabled)}`,
    });
  } else if (typeof body.enabled === 'boolean') out.enabled = body.enabled;
  // Toxiproxy's own clients send back the read-only toxics list they were given.
  if (body.toxics !== undefined && body.toxics !== null && !Array.isArray(body.toxics)) {
    issues.push({
      path: [...path, 'toxics'],
      message: `expected a list (it is read-only), got ${show(body.toxics)}`,
    });
  }
  return out;
}

/**
 * A TCP fault proxy on loopback, driven in code or through Toxiproxy's HTTP control API (see
 * {@link FaultProxy.listen}): proxies forward a listen address to an upstream, and toxics
 * (latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data) disturb the bytes of
 * one direction (`stream`) of the connections they apply to (`toxicity`). Every method checks
 * its input as the control API does and throws {@link FaultProxyError} naming the field.
 */
export class FaultProxy {
  private readonly proxies = new Map<string, ProxyListener>();
  private readonly random: () => number;
  private api: Server | undefined;

  constructor(options: FaultProxyOptions = {}) {
    this.random = options.random ?? Math.random;
  }

  /** Every proxy, by name. */
  list(): Record<string, ProxyInfo> {
    return Object.fromEntries([...this.proxies].map(([name, p]) => [name, p.info()]));
  }

  /** One proxy. @throws FaultProxyError 404 */
  get(name: string): ProxyInfo {
    return this.proxy(name).info();
  }

  /** Open connections through a proxy now. @throws FaultProxyError 404 */
  connections(name: string): number {
    return this.proxy(name).connections;
  }

  /**
   * Creates a proxy and (unless `enabled: false`) starts listening.
   * @param body `{ name, listen: "host:port" (port 0 picks one), upstream: "host:port", enabled? }`
   * @throws FaultProxyError 400 bad body, 409 name taken, 500 cannot listen
   */
  async create(body: unknown): Promise<ProxyInfo> {
    const issues: Issue[] = [];
    const fields = checkProxy(body, true, issues);
    if (issues.length > 0) throw badRequest(issues);
    const { name, listen, upstream } = fields as Required<ProxyFields>;
    if (this.proxies.has(name)) {
      throw new FaultProxyError('proxy already exists', ChaosErrorCodes.conflict, name);
    }
    const proxy = new ProxyListener(name, listen, upstream, this.random);
    this.proxies.set(name, proxy);
    if (fields.enabled !== false) {
      try {
        await proxy.start();
      } catch (error) {
        this.proxies.delete(name);
        throw error;
      }
    }
    return proxy.info();
  }

  /**
   * Creates or replaces many proxies at once (`POST /populate`); a proxy whose listen and
   * upstream are unchanged is kept with its toxics and connections. Checked as a whole first.
   */
  async populate(body: unknown): Promise<ProxyInfo[]> {
    const issues: Issue[] = [];
    if (!Array.isArray(body)) {
      throw badRequest([{ path: [], message: `expected a list of proxies, got ${show(body)}` }]);
    }
    const all = body.map((item, i) => checkProxy(item, true, issues, [i]));
    if (issues.length > 0) throw badRequest(issues);
    const out: ProxyInfo[] = [];
    for (const [i, fields] of all.entries()) {
      const same = this.proxies.get(fields.name ?? '');
      if (
        same &&
        formatHostPort(same.upstream) === formatHostPort(fields.upstream ?? same.upstream) &&
        same.listen.host === fields.listen?.host &&
        (fields.listen.port === 0 || fields.listen.port === same.listen.port)
      ) {
        out.push(same.info());
        continue;
      }
      if (same) await this.delete(same.name);
      out.push(await this.create(body[i]));
    }
    return out;
  }

  /**
   * Changes a proxy: `enabled: false` stops listening and drops every open connection, `true`
   * listens again; a new `listen` or `upstream` restarts it.
   */
  async update(name: string, body: unknown): Promise<ProxyInfo> {
    const proxy = this.proxy(name);
    const issues: Issue[] = [];
    const fields = checkProxy(body, false, issues);
    if (fields.name !== undefined && fields.name !== name) {
      issues.push({ path: ['name'], message: `cannot rename proxy ${JSON.stringify(name)}` });
    }
    if (issues.length > 0) throw badRequest(issues, name);
    const moved =
      (fields.listen !== undefined &&
        formatHostPort(fields.listen) !== formatHostPort(proxy.listen)) ||
      (fields.upstream !== undefined &&
        formatHostPort(fields.upstream) !== formatHostPort(proxy.upstream));
    const enabled = fields.enabled ?? proxy.enabled;
    if (moved || !enabled) await proxy.stop();
    if (fields.listen) proxy.listen = fields.listen;
    if (fields.upstream) proxy.upstream = fields.upstream;
    if (enabled) await proxy.start();
    return proxy.info();
  }

  /** Stops and removes a proxy. @throws FaultProxyError 404 */
  async delete(name: string): Promise<void> {
    const proxy = this.proxy(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /** Every proxy enabled again, every toxic removed (`POST /reset`). */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      for (const entry of [...proxy.toxics]) proxy.remove(entry);
      await proxy.start();
    }
  }

  /** A proxy's toxics. */
  toxics(proxy: string): Toxic[] {
    return this.proxy(proxy).info().toxics;
  }

  /** One toxic. @throws FaultProxyError 404 */
  toxic(proxy: string, name: string): Toxic {
    const found = this.toxics(proxy).find((t) => t.name === name);
    if (!found) throw new FaultProxyError('toxic not found', ChaosErrorCodes.notFound, proxy);
    return found;
  }

  /**
   * Adds a toxic: `{ type, name? = "<type>_<stream>", stream? = "downstream", toxicity? = 1,
   * attributes? }`. It applies to the connections open now and to new ones.
   * @throws FaultProxyError 400 bad body, 404 no such proxy, 409 name taken
   */
  addToxic(proxy: string, body: unknown): Toxic {
    const target = this.proxy(proxy);
    const issues: Issue[] = [];
    const toxic = checkToxic(body, [], issues);
    if (!toxic) throw badRequest(issues, proxy);
    if (target.find(toxic.name)) {
      throw new FaultProxyError('toxic already exists', ChaosErrorCodes.conflict, proxy);
    }
    target.add(toxic);
    return this.toxic(proxy, toxic.name);
  }

  /** Changes a toxic's attributes (merged) or toxicity. */
  updateToxic(proxy: string, name: string, body: unknown): Toxic {
    const target = this.proxy(proxy);
    const entry = target.find(name);
    if (!entry) throw new FaultProxyError('toxic not found', ChaosErrorCodes.notFound, proxy);
    const issues: Issue[] = [];
    const toxic = checkToxic(body, [], issues, entry.toxic);
    if (!toxic) throw badRequest(issues, proxy);
    target.update(entry, toxic);
    return this.toxic(proxy, name);
  }

  /** Removes a toxic. @throws FaultProxyError 404 */
  removeToxic(proxy: string, name: string): void {
    const target = this.proxy(proxy);
    const entry = target.find(name);
    if (!entry) throw new FaultProxyError('toxic not found', ChaosErrorCodes.notFound, proxy);
    target.remove(entry);
  }

  /**
   * Serves the control API (Toxiproxy's HTTP API) on `host:port` (port 0 picks a free one).
   * @returns the address it listens on
   */
  async listen(address: HostPort = { host: '127.0.0.1', port: 8474 }): Promise<AddressInfo> {
    const { serveControlApi } = await import('./control-api.js');
    this.api = await serveControlApi(this, address);
    return this.api.address() as AddressInfo;
  }

  /** Stops the control API and every proxy, dropping their connections. */
  async close(): Promise<void> {
    const api = this.api;
    this.api = undefined;
    for (const proxy of this.proxies.values()) await proxy.stop();
    this.proxies.clear();
    if (api) {
      api.closeAllConnections();
      await new Promise<void>((resolve) =>
        api.close(() => {
          resolve();
        }),
      );
    }
  }

  private proxy(name: string): ProxyListener {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new FaultProxyError('proxy not found', ChaosErrorCodes.notFound, name);
    return proxy;
  }
}
