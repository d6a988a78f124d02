import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './cli.js';
import { demo } from './commands/demo.js';
import type { CliIo } from './io.js';

async function cli(argv: string[], signal = new AbortController().signal) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('breakwater demo: the server flags', () => {
  const bad: [args: string[], message: string][] = [
    [['--port', '70000'], '--port: must be a whole number from 0 to 65535, got "70000"'],
    [['--port', '-1'], '--port: must be a whole number from 0 to 65535, got "-1"'],
    [['--port', '80a'], '--port: must be a whole number from 0 to 65535, got "80a"'],
    [['--port'], 'option --port needs a value'],
    [['--host', ''], '--host: must be an address or a host name, got ""'],
    [['--host', 'my host'], '--host: must be an address or a host name, got "my host"'],
    [['--prot', '1'], 'unknown option --prot (did you mean --port?)'],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 on: demo ${args.join(' ')}`, async () => {
      const r = await cli(['demo', ...args]);
      assert.deepEqual(r, {
        code: 2,
        stdout: '',
        stderr: `breakwater demo: ${message}\nRun 'breakwater demo --help' for usage.\n`,
      });
    });
  }

  it('documents the port, the host and the paths', () => {
    assert.match(
      demo.usage,
      /^ {2}--port <n> {9}serve the dashboard, \/metrics, \/livez and \/readyz/m,
    );
    assert.match(
      demo.usage,
      /^ {2}--host <addr> {6}the interface to listen on \(default 127\.0\.0\.1/m,
    );
    assert.match(demo.usage, /^ {2}\/metrics {2}Prometheus text format$/m);
  });

  it('prints where the dashboard is before the first tick, and closes it when stopped', async () => {
    const r = await cli(['demo', '--port', '0'], AbortSignal.abort());
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const m = /^dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)$/m.exec(r.stdout);
    assert.ok(m?.[1], r.stdout);
    assert.match(
      r.stdout,
      new RegExp(`^metrics: {3}${m[1]}metrics {3}health: /livez /readyz\n`, 'm'),
    );
    assert.ok(r.stdout.indexOf('dashboard:') < r.stdout.indexOf('  time |'));
    assert.match(
      r.stdout,
      /^breakwater demo: 2 simulated dependencies and a flaky third-party API behind circuit breakers/,
    );
    await assert.rejects(fetch(m[1]), { name: 'TypeError' }, 'the server is closed');
  });
});
