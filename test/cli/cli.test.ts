// The command line in process: runCli with in-memory streams, so every usage error is checked
// for its exact message and exit code without starting a process per case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { demo } from '../../src/cli/commands/demo.js';
import { cliInProcess, type Captured } from '../fixtures/cli.js';

function cli(
  argv: string[],
  options: { tty?: boolean; env?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Captured> {
  return cliInProcess(argv, { ...options, stdoutTty: options.tty ?? false });
}

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('breakwater (in process)', () => {
  it('--help lists the commands and the global options', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^breakwater ${version.replaceAll('.', '\\.')}: `));
    assert.match(r.stdout, /^Usage: breakwater <command> \[options\]$/m);
    assert.match(
      r.stdout,
      /^ {2}demo +a scripted outage behind circuit breakers, live in the terminal$/m,
    );
    assert.match(r.stdout, /^ {2}-V, --version {2}print the version$/m);
    assert.deepEqual(await cli(['-h']), r);
    assert.deepEqual(await cli(['help']), r);
  });

  it('--version prints the version of package.json', async () => {
    assert.deepEqual(await cli(['--version']), { code: 0, stdout: `${version}\n`, stderr: '' });
    assert.deepEqual(await cli(['-V']), { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('demo --help and help demo print the demo usage', async () => {
    for (const argv of [
      ['demo', '--help'],
      ['demo', '-h'],
      ['help', 'demo'],
    ]) {
      assert.deepEqual(
        await cli(argv),
        { code: 0, stdout: demo.usage, stderr: '' },
        argv.join(' '),
      );
    }
    assert.match(demo.usage, /^ {2}--duration <time> {2}stop after this long: 250ms, 30s, 5m/m);
  });

  const usageErrors: [argv: string[], message: string][] = [
    [[], 'breakwater: a command is needed'],
    [['demoo'], 'breakwater: unknown command "demoo" (did you mean demo?)'],
    [['status'], 'breakwater: unknown command "status"'],
    [['--verbose'], 'breakwater: unknown option --verbose'],
    [['--duration', '3s', 'demo'], 'breakwater: unknown option --duration'],
    [['help', 'nope'], 'breakwater: unknown command "nope"'],
    [['help', 'demo', 'now'], 'breakwater: unexpected argument "now"'],
    [['help', '--all'], 'breakwater: unknown option --all'],
    [
      ['demo', '--duration', 'thirty'],
      'breakwater demo: --duration: expected a duration like "30s", got "thirty"',
    ],
    [
      ['demo', '--duration=-5s'],
      'breakwater demo: --duration: expected a duration like "30s", got "-5s"',
    ],
    [['demo', '--duration', '0'], 'breakwater demo: --duration: must be more than 0 ms, got "0"'],
    [['demo', '--duration'], 'breakwater demo: option --duration needs a value'],
    [['demo', '--duration', '--rate', '5'], 'breakwater demo: option --duration needs a value'],
    [
      ['demo', '--durtion', '3s'],
      'breakwater demo: unknown option --durtion (did you mean --duration?)',
    ],
    [['demo', '-d', '3s'], 'breakwater demo: unknown option -d'],
    [
      ['demo', '--speed', 'fast'],
      'breakwater demo: --speed: must be a number with 0 < x <= 100, got "fast"',
    ],
    [
      ['demo', '--speed', '0'],
      'breakwater demo: --speed: must be a number with 0 < x <= 100, got "0"',
    ],
    [
      ['demo', '--speed', '101'],
      'breakwater demo: --speed: must be a number with 0 < x <= 100, got "101"',
    ],
    [
      ['demo', '--rate', '2.5'],
      'breakwater demo: --rate: must be a whole number from 1 to 1000 calls/s, got "2.5"',
    ],
    [
      ['demo', '--rate', '0'],
      'breakwater demo: --rate: must be a whole number from 1 to 1000 calls/s, got "0"',
    ],
    [
      ['demo', '--rate', '1001'],
      'breakwater demo: --rate: must be a whole number from 1 to 1000 calls/s, got "1001"',
    ],
    [['demo', '--help=yes'], 'breakwater demo: option --help takes no value, got "yes"'],
    [['demo', 'now'], 'breakwater demo: unexpected argument "now"'],
  ];
  for (const [argv, message] of usageErrors) {
    it(`exits 2 on: breakwater ${argv.join(' ')}`, async () => {
      const r = await cli(argv);
      assert.equal(r.code, 2);
      const lines = r.stderr.trimEnd().split('\n');
      const last = lines.pop();
      assert.equal(lines.at(-1), message);
      const program = message.startsWith('breakwater demo:') ? 'breakwater demo' : 'breakwater';
      assert.equal(last, `Run '${program} --help' for usage.`);
    });
  }

  it('demo stops at once on an aborted signal, prints the intro and the summary, exits 0', async () => {
    const r = await cli(['demo', '--duration', '30s'], { signal: AbortSignal.abort() });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^breakwater demo: 2 simulated dependencies .* for 30\.0s /);
    assert.match(r.stdout, /^Summary after 0\.0s \(stopped\):$/m);
    assert.match(
      r.stdout,
      /^ {2}payments {3}0 calls: 0 let through \(0 ok, 0 failed\), 0 rejected; now closed$/m,
    );
    assert.equal(r.stdout.includes('\x1b['), false);
  });

  it('demo colours its output on a terminal, and not when NO_COLOR is set', async () => {
    const signal = AbortSignal.abort();
    const tty = await cli(['demo'], { tty: true, signal });
    assert.ok(tty.stdout.includes('now \x1b[32mclosed\x1b[0m\n'));
    const noColor = await cli(['demo'], { tty: true, env: { NO_COLOR: '1' }, signal });
    assert.equal(noColor.stdout.includes('\x1b['), false);
    const forced = await cli(['demo'], { tty: false, env: { FORCE_COLOR: '1' }, signal });
    assert.ok(forced.stdout.includes('\x1b[32mclosed'));
  });

  it('demo runs one line per tick in process and exits 0', async () => {
    const r = await cli(['demo', '--duration', '1200ms', '--rate', '20']);
    assert.equal(r.code, 0);
    const ticks = r.stdout.split('\n').filter((line) => /^ +\d+\.\ds \| /.test(line));
    assert.deepEqual(
      ticks.map((line) => line.trim().split(' ')[0]),
      ['1.0s', '1.2s'],
    );
    assert.match(r.stdout, /^ {2}payments {3}24 calls: /m);
  });
});
