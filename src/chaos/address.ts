import { show } from '../manager/config/values.js';

/** A TCP address `host:port` (IPv6 hosts in brackets: `[::1]:8474`). */
export interface HostPort {
  host: string;
  port: number;
}

const ADDRESS = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/;

/**
 * Reads `host:port`.
 * @param options.allowZero port 0 (pick a free one) is allowed, for listen addresses
 * @throws TypeError quoting the value
 */
export function parseHostPort(value: unknown, options: { allowZero?: boolean } = {}): HostPort {
  const match = typeof value === 'string' ? ADDRESS.exec(value) : null;
  const port = match ? Number(match[3]) : NaN;
  const min = options.allowZero === true ? 0 : 1;
  if (!match || !(port >= min && port <= 65535)) {
    const ports = options.allowZero === true ? '0 to 65535, 0 picks a free one' : '1 to 65535';
    throw new TypeError(`expected an address host:port (port ${ports}), got ${show(value)}`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

/** `host:port`, with an IPv6 host in brackets. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
