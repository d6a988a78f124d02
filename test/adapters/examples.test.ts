// Runs the adapter examples as a user would, in a child process, against the real servers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { skipUnless } from '../fixtures/services.js';

const root = new URL('../../', import.meta.url).pathname;

function run(script: string): { status: number | null; lines: string[] } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.status !== 0) console.error(result.stderr);
  return { status: result.status, lines: result.stdout.trim().split('\n') };
}

describe('adapter examples', { timeout: 30_000 }, async () => {
  const pgSkip = await skipUnless('PostgreSQL', 5432);
  const amqpSkip = await skipUnless('RabbitMQ', 5672);

  it('examples/pg/guarded-pool.ts', { skip: pgSkip }, () => {
    const { status, lines } = run('examples/pg/guarded-pool.ts');
    assert.equal(status, 0);
    assert.deepEqual(lines.slice(0, 6), [
      'order 1 inserted',
      'duplicate order refused: 23505 (breaker closed)',
      'replica query 1: ECONNREFUSED',
      'replica query 2: ECONNREFUSED',
      'breaker replica: closed -> open (tripped)',
      'replica query 3: ECONNREFUSED',
    ]);
    assert.match(
      lines[6] ?? '',
      /^replica: 1000 of 1000 queries rejected while open, [\d.]+ µs each$/,
    );
    assert.equal(lines.length, 7);
  });

  it('examples/amqp/orders-consumer.ts', { skip: amqpSkip }, () => {
    const { status, lines } = run('examples/amqp/orders-consumer.ts');
    assert.equal(status, 0);
    assert.equal(lines[0], 'published 50 orders');
    assert.equal(lines[1], 'breaker payments: closed -> open (tripped)');
    assert.equal(lines.at(-4), 'breaker payments: half-open -> closed (probes-succeeded)');
    assert.equal(lines.at(-3), 'paid 49 orders, 1 dead-lettered');
    assert.match(
      lines.at(-2) ?? '',
      /^requeued after a failure: \d+, given back unstarted: \d+, pauses: [1-9]\d*$/,
    );
    assert.equal(lines.at(-1), 'dead letter: {oops');
  });
});
