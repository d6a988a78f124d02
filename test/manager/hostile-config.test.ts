// Hostile config files (deeply nested, billion laughs, oversized) loaded one after the other in a
// child process: each must be refused with a ConfigError and leave the running settings in
// force. Before the loader bounded depth and size, this process died of a V8 fatal error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Line {
  via: 'fromFile' | 'reload';
  name: string;
  loaded?: boolean;
  error?: { config: boolean; lines?: string[]; message?: string } | null;
  kept?: boolean;
}

describe('hostile config files', () => {
  it('each gives a ConfigError, from fromFile and from reload, and the process lives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'breakwater-hostile-'));
    try {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'test/manager/fixtures/hostile-configs.ts', dir],
        { cwd: root, encoding: 'utf8', timeout: 120_000 },
      );
      assert.equal(child.signal, null, `killed by ${String(child.signal)}: ${child.stderr}`);
      assert.equal(child.status, 0, child.stderr.slice(0, 2000));
      const lines = child.stdout.trim().split('\n');
      assert.equal(lines.pop(), 'done');
      const seen = lines.map((l) => JSON.parse(l) as Line);
      const expected: Record<string, RegExp> = {
        'deep-array.json': /^\(file\): nested more than 32 levels deep \(line 1, column \d+\)/,
        'deep-object.json': /^\(file\): nested more than 32 levels deep \(line 1, column \d+\)/,
        'deep-flow.yaml': /^\(file\): nested more than 32 levels deep \(line 1, column \d+\)/,
        'deep-block.yaml': /^\(file\): nested more than 32 levels deep \(line 3\d, column \d+\)/,
        'deep-dashes.yaml': /^\(file\): nested more than 32 levels deep \(line 2, column \d+\)/,
        'laughs.yaml': /^\(file\): too many aliases/,
        'huge.json': /^\(file\): larger than 1048576 bytes/,
      };
      for (const via of ['fromFile', 'reload'] as const) {
        const names = Object.keys(expected).filter(
          (n) => via === 'fromFile' || seen.some((l) => l.via === 'reload' && l.name === n),
        );
        assert.ok(names.length >= (via === 'fromFile' ? 7 : 7), `${via}: ${names.join(', ')}`);
        for (const name of names) {
          const line = seen.find((l) => l.via === via && l.name === name);
          assert.ok(line, `${via} ${name}: no line`);
          assert.equal(line.error?.config, true, `${via} ${name}: ${JSON.stringify(line)}`);
          assert.equal(line.error.lines?.length, 1, `${via} ${name}: ${JSON.stringify(line)}`);
          assert.match(line.error.lines[0] ?? '', expected[name] ?? /^$/, `${via} ${name}`);
          if (via === 'reload') assert.equal(line.kept, true, `${name}: settings changed`);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
