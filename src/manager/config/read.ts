import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from './config-error.js';
import { MAX_CONFIG_BYTES, tooLarge } from './limits.js';

/**
 * Quiet time a file must show around a read before its text is trusted, in ms. A writer that
 * rewrites the file in place (truncate, then write) can be caught half way; the file's change
 * time and size then differ across the read, and it is read again. This catches writers that
 * pause less than this between writes; one that pauses longer can still be read half-written,
 * which is why the guide says to write config files by rename.
 */
export const SETTLE_MS = 25;
const ATTEMPTS = 8;

function fail(file: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError([{ path: '(file)', message }], file, { cause });
}

/**
 * Reads a config file's text: at most {@link MAX_CONFIG_BYTES} (a larger file is refused
 * without reading it all), and only once it stayed unchanged (same inode, size, modification
 * and change time) from before the read until {@link SETTLE_MS} after it.
 *
 * @throws ConfigError when it cannot be read, is too large, or keeps changing
 */
export async function readConfigText(file: string): Promise<string> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let text: string;
    let before;
    try {
      const handle = await open(file, 'r');
      try {
        before = await handle.stat({ bigint: true });
        if (before.size > BigInt(MAX_CONFIG_BYTES)) {
          throw new ConfigError([tooLarge()], file);
        }
        const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
        let length = 0;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
          if (bytesRead === 0) break;
          length += bytesRead;
          if (length > MAX_CONFIG_BYTES) throw new ConfigError([tooLarge()], file);
        }
        text = buffer.toString('utf8', 0, length);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw fail(file, `cannot read it: ${(error as Error).message}`, error);
    }
    await sleep(SETTLE_MS);
    let after;
    try {
      after = await stat(file, { bigint: true });
    } catch {
      continue; // renamed away or deleted during the read: read what is there now
    }
    if (
      after.ino === before.ino &&
      after.size === before.size &&
      after.mtimeNs === before.mtimeNs &&
      after.ctimeNs === before.ctimeNs &&
      BigInt(Buffer.byteLength(text, 'utf8')) === before.size
    ) {
      return text;
    }
  }
  throw fail(file, `it kept changing while it was read (${ATTEMPTS} tries): write it by rename`);
}
