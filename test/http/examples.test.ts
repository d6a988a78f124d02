// Runs the HTTP examples as a user would, in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;

describe('HTTP examples', () => {
  it('examples/http/resilient-client.ts', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'examples/http/resilient-client.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      'flaky quote: 200 {"price":42} (3 requests sent)',
      'breaker: closed -> open',
      'quote while down: 503 down (3 requests sent)',
      'quote while open: 200 {"price":40,"cached":true} (0 requests sent)',
      'breaker: open -> half-open',
      'breaker: half-open -> closed',
      'quote after recovery: 200 {"price":42} (1 requests sent)',
      'fetch through client.interceptor: 200 {"price":42}',
    ]);
  });
});
