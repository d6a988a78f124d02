// `breakwater tune` in process (runCli with in-memory streams): the JSON document of API.md on
// the shipped example trace, determinism by seed, the text report with a config section the
// manager's loader reads back, and exit code 2 with a line number for bad traces.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliInProcess } from '../fixtures/cli.js';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { parseConfig } from '../../src/manager/config/loader.js';

const example = (name: string) =>
  fileURLToPath(new URL(`../../examples/tuning/${name}`, import.meta.url));

const cli = (argv: string[], tty = false) => cliInProcess(argv, { stderrTty: tty });

interface TuneJson {
  services: Record<
    string,
    { recommended: Record<string, unknown>; cost: { current: number; recommended: number } }
  >;
}

describe('breakwater tune', { timeout: 300_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'breakwater-tune-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('--json: options new CircuitBreaker() accepts, cost no higher than now; same seed, same output', async () => {
    const argv = ['tune', example('trace.jsonl'), '--json', '--budget', '25', '--seed', '3'];
    const first = await cli(argv);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, '', 'no progress bar when stderr is not a terminal');
    const doc = JSON.parse(first.stdout) as TuneJson;
    assert.deepEqual(Object.keys(doc.services), ['payments', 'search']);
    for (const [name, s] of Object.entries(doc.services)) {
      assert.ok(s.cost.recommended <= s.cost.current, name);
      assert.doesNotThrow(() => new CircuitBreaker(s.recommended), name);
    }
    // The defaults wait 60 s once open: the outage of payments is cheaper with the tuning.
    const payments = doc.services.payments!;
    assert.ok(payments.cost.recommended < payments.cost.current);
    assert.deepEqual(await cli(argv), first);
  });

  it('prices --config as current, prints each term and a config section the loader reads', async () => {
    const r = await cli(
      ['tune', example('trace.jsonl'), '--config', example('breakwater.yaml'), '--budget', '15'],
      true,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /tuning payments \[#*\.*\] \d+%/);
    for (const term of [
      'cost (API.md)',
      'lost goodput',
      'leaked failures',
      'wasted waiting time',
      'time to detect',
      'time to recover',
      'false opens',
      'probe calls',
    ]) {
      assert.ok(r.stdout.includes(term), term);
    }
    const section = r.stdout.slice(r.stdout.indexOf('services:'));
    const settings = parseConfig(section, 'yaml');
    assert.deepEqual(Object.keys(settings.services ?? {}), ['payments', 'search']);
    // payments keeps the callTimeout of its config section.
    assert.equal(settings.services?.payments?.callTimeout, 2000);
  });

  it('exits 2 naming the 1-based line of a malformed record', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      '{"time": 1, "service": "a", "duration": 2, "outcome": "success"}\n\n{"time": 2, "service": "a", "duration": 2, "outcome": "maybe"}\n',
    );
    const r = await cli(['tune', file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `breakwater tune: ${file}: line 3: "outcome" must be "success", "failure" or "excluded", got "maybe"\n`,
    );
    writeFileSync(file, 'not json\n');
    assert.match((await cli(['tune', file])).stderr, /: line 1: not JSON: /);
  });

  it('exits 2 with a message for an empty trace, a missing file, a bad config and bad flags', async () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    const cases: [string[], RegExp][] = [
      [['tune', empty], /empty\.jsonl: the trace has no calls\n$/],
      [
        ['tune', join(dir, 'missing.jsonl')],
        /missing\.jsonl: cannot read the trace: no such file\n$/,
      ],
      [
        ['tune', empty, '--config', join(dir, 'none.yaml')],
        /invalid breakwater config .*none\.yaml/,
      ],
      [['tune'], /^breakwater tune: a TRACE file is needed\n/],
      [
        ['tune', empty, '--seed', 'x'],
        /^breakwater tune: --seed: must be a whole number from 0 to 4294967295, got "x"\n/,
      ],
      [
        ['tune', empty, '--budget', '0'],
        /--budget: must be a whole number from 1 to 1000, got "0"/,
      ],
      [['tune', empty, '--jsn'], /unknown option --jsn \(did you mean --json\?\)/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('--help and the command list', async () => {
    const r = await cli(['tune', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: breakwater tune TRACE \[options\]/);
    assert.match(
      (await cli(['--help'])).stdout,
      /^ {2}tune +recommend breaker settings by replaying a recorded call trace$/m,
    );
  });
});
