// `chaos run` on bad experiment files: exit 2 and every mistake by its path, nothing started.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cliInProcess } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakwater-chaos-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (argv: string[]) => cliInProcess(argv);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('chaos run: a bad experiment file', () => {
  test('every mistake at once, by its path, exit 2', async () => {
    const path = file(
      'bad.yaml',
      `title: bad
proxies: [{ name: db, listen: 127.0.0.1:0, upstream: nowhere }]
load: { url: ftp://x, rate: -5, duration: 2s, timeout: 2 seconds }
observe: { metrics: http://127.0.0.1:1/metrics, breaker: db, interval: 250ms }
method:
  - { at: soon, proxy: db, toxic: { type: latency, attributes: { latency: slow } } }
  - { at: 1s, proxy: dv, clear: true }
  - { at: 3s, proxy: db }
hypothesis: { successRate: 1.5 }
assertions: { opensWithin: 1s, falseOpen: 0 }
extra: 1
`,
    );
    const r = await cli(['chaos', 'run', path]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    const expected = [
      /proxies\[0\]\.upstream: expected an address host:port .*got "nowhere" \(line 2\)/,
      /load\.url: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/,
      /load\.rate: expected a number >= 0, got -5/,
      /load\.timeout: expected a duration like "30s", got "2 seconds"/,
      /observe\.interval: expected a duration of at most 100 ms, got "250ms"/,
      /method\[0\]\.at: expected a duration like "30s", got "soon"/,
      /method\[0\]\.toxic\.attributes\.latency: expected a number >= 0, got "slow"/,
      /method\[1\]\.proxy: no proxy named "dv" in proxies \(did you mean "db"\?\)/,
      /method\[2\]: expected exactly one of toxic, clear: true, enabled: true\|false, got none/,
      /hypothesis\.successRate: expected a number from 0 to 1, got 1\.5/,
      /assertions\.falseOpen: unknown key \(did you mean "falseOpens"\?\)/,
      /extra: unknown key/,
    ];
    for (const line of expected) assert.match(r.stderr, line);
    assert.match(r.stderr, /: 12 errors:/);
  });

  test('a step after the end, a YAML syntax error, a missing file, a wrong extension', async () => {
    const late = file(
      'late.yaml',
      `title: t
proxies: []
load: { url: "http://127.0.0.1:1/", rate: 1, duration: 1s, timeout: 1s }
observe: { metrics: "http://127.0.0.1:1/m", breaker: b }
method: [{ at: 1s, proxy: p, clear: true }]
hypothesis: { successRate: 1 }
`,
    );
    const r = await cli(['chaos', 'run', late]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /method\[0\]\.at: expected a time before load\.duration \(1000 ms\), got "1s"/,
    );
    assert.match(r.stderr, /method\[0\]\.proxy: no proxy named "p"/);
    const syntax = await cli(['chaos', 'run', file('syntax.yaml', 'title: [unclosed\n')]);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /line \d+, column \d+/);
    const missing = await cli(['chaos', 'run', join(dir, 'none.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /\(file\): cannot read it: ENOENT/);
    const ext = await cli(['chaos', 'run', file('x.txt', '')]);
    assert.equal(ext.code, 2);
    assert.match(ext.stderr, /expected a \.yaml, \.yml or \.json file/);
  });

  test('usage errors exit 2 naming the subcommand or option', async () => {
    assert.match((await cli(['chaos'])).stderr, /a subcommand is needed: proxy or run/);
    assert.match((await cli(['chaos', 'rnu'])).stderr, /unknown subcommand "rnu"/);
    assert.match((await cli(['chaos', 'run'])).stderr, /needs an experiment file/);
    const bad = await cli(['chaos', 'proxy', '--api', 'localhost']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--api: expected an address host:port/);
    assert.match(
      (await cli(['chaos', 'run', 'x.yaml', '--jornal', 'j'])).stderr,
      /did you mean --journal/,
    );
  });
});
