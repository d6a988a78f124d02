// Redis for the fleet tests: the machine's server on 127.0.0.1:6379, shared with every other
// test run, so each test gets its own key prefix and deletes its keys afterwards (never
// FLUSHALL / FLUSHDB / CONFIG SET / CLIENT PAUSE).
import { Redis } from 'ioredis';
import { uniqueSuffix } from '../adapters/services.js';
import { skipUnless } from '../fixtures/services.js';

export const REDIS_PORT = 6379;

/** `false` when Redis answers; otherwise the skip message (throws under REQUIRE_SERVICES=1). */
export const skipWithoutRedis = (): Promise<string | false> => skipUnless('Redis', REDIS_PORT);

/** A prefix no other test uses. */
export const uniquePrefix = (label: string): string => `bwtest:${label}:${uniqueSuffix()}`;

/** A client that gives up quickly instead of retrying forever (tests must end). */
export function testClient(port = REDIS_PORT): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 2 });
}

/** Every key that starts with `prefix`. */
export async function keysWithPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Deletes every key that starts with `prefix` and returns how many there were. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
  return keys.length;
}
