// What only the Redis store has to show: the keys of a breaker share one hash tag and all carry
// a TTL, and a script the server does not know (NOSCRIPT) is sent once in full.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { breakerKeys, checkPrefix } from '../../src/distributed/keys.js';
import { RedisFleetStore } from '../../src/distributed/redis-store.js';
import { LuaScript } from '../../src/distributed/script.js';
import { uniqueSuffix } from '../adapters/services.js';
import {
  deleteKeys,
  keysWithPrefix,
  skipWithoutRedis,
  testClient,
  uniquePrefix,
} from './redis-fixtures.js';

const skip = await skipWithoutRedis();

describe('RedisFleetStore keys', { skip }, () => {
  let redis: Redis;
  const prefix = uniquePrefix('keys');
  before(() => {
    redis = testClient();
  });
  after(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('every key of a breaker starts with the prefix, shares one {tag}, and has a TTL', async () => {
    const store = new RedisFleetStore({ redis, prefix });
    const names = ['payments', 'a{b}c', 'x%7B'];
    for (const name of names) {
      const w = { size: 1_000, buckets: 10 };
      const b = [{ age: 0, successes: 1, failures: 2, slow: 0 }];
      await store.flush(name, {
        instance: 'i1',
        generation: 0,
        window: w,
        buckets: b,
        ttl: 60_000,
      });
      await store.publish(name, { expected: 0, state: 'open', wait: 0, by: 'i1', ttl: 60_000 });
      await store.flush(name, {
        instance: 'i1',
        generation: 1,
        window: w,
        buckets: b,
        ttl: 60_000,
      });
      const lease = await store.acquireLease(name, { generation: 1, instance: 'i1', ttl: 60_000 });
      assert.equal(lease.granted, true);
    }
    const keys = await keysWithPrefix(redis, prefix);
    assert.equal(keys.length, names.length * 3, keys.join(' '));
    const tags = new Map<string, string[]>();
    for (const key of keys) {
      assert.ok(key.startsWith(`${prefix}:`), key);
      const tag = /\{([^}]*)\}/.exec(key)?.[1];
      assert.ok(tag !== undefined && tag !== '', `${key} has a hash tag`);
      tags.set(tag, [...(tags.get(tag) ?? []), key]);
      const ttl = await redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= 120_000, `${key} has a TTL (${ttl})`);
    }
    assert.equal(tags.size, names.length, 'one tag per breaker');
    for (const [, group] of tags) assert.equal(group.length, 3);
    await store.close();
  });

  it('names with braces cannot escape their tag, and a prefix with braces is refused', () => {
    const k = breakerKeys('p', 'a}{b');
    assert.equal(/\{([^}]*)\}/.exec(k.counts)?.[1], 'a%7D%7Bb');
    assert.notEqual(breakerKeys('p', '%7D').counts, breakerKeys('p', '}').counts);
    assert.throws(() => checkPrefix('a{b', 'X'), /X: prefix must be .* got "a\{b"/);
    assert.throws(() => checkPrefix('', 'X'), /got ""/);
    assert.throws(() => new RedisFleetStore({ redis, prefix: 'x}' }), /prefix/);
  });

  it('a script the server does not know is sent with EVAL once, then runs by SHA', async () => {
    // A body no one ran before, so the server cannot know its SHA yet (no SCRIPT FLUSH needed).
    const script = new LuaScript(`return 'ok-${uniqueSuffix()}-' .. KEYS[1]`, 1);
    const [known] = (await redis.script('EXISTS', script.sha)) as number[];
    assert.equal(known, 0);
    assert.match(String(await script.run(redis, [`${prefix}:{s}:k`], [])), /^ok-.*-bwtest/);
    const [loaded] = (await redis.script('EXISTS', script.sha)) as number[];
    assert.equal(loaded, 1, 'EVAL cached it');
    assert.match(String(await script.run(redis, [`${prefix}:{s}:k`], [])), /^ok-/);
    await assert.rejects(script.run(redis, [], []), /wants 1 keys/);
  });
});
