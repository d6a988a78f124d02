// Runs a Lua script by its SHA1 (EVALSHA) and falls back to sending its body (EVAL) when the
// server does not know it (NOSCRIPT: after a restart, a failover, or on a new Cluster node).
import { createHash } from 'node:crypto';

/** The part of an ioredis client (`Redis` or `Cluster`) the store uses. */
export interface CommandClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** One Lua script, loaded lazily by the server. */
export class LuaScript {
  /** The script's SHA1, as EVALSHA wants it. */
  readonly sha: string;
  private readonly body: string;
  private readonly keys: number;

  /** @param keys how many of the arguments are keys (they come first) */
  constructor(body: string, keys: number) {
    this.body = body;
    this.keys = keys;
    this.sha = createHash('sha1').update(body).digest('hex');
  }

  /** Runs the script with `keys` then `args`; EVAL once if the server lacks it. */
  async run(
    client: CommandClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    if (keys.length !== this.keys)
      throw new RangeError(`script wants ${this.keys} keys, got ${keys.length}`);
    try {
      return await client.call('EVALSHA', this.sha, this.keys, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.call('EVAL', this.body, this.keys, ...keys, ...args);
    }
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
