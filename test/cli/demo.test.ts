// `breakwater` as a real process: exit codes, one line per second, the summary, signals, and
// that the process ends by itself (nothing left holding the event loop).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CHILD_LIMIT_MS } from '../fixtures/limits.js';

const root = new URL('../../', import.meta.url);
const version = (
  JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string }
).version;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Each complete stdout line with the ms (since spawn) at which it arrived. */
  lines: { text: string; at: number }[];
  /** Ms from spawn to exit. */
  took: number;
}

/**
 * Runs the CLI from source (or `bin/breakwater.js` with `bin: true`). `onLine` may act on the
 * running process, e.g. signal it. The process is killed, and the run fails, after `limit` ms.
 */
function breakwater(
  args: string[],
  options: {
    bin?: boolean;
    limit?: number;
    onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void;
  } = {},
): Promise<Run> {
  const { FORCE_COLOR: _f, NO_COLOR: _n, ...env } = process.env;
  const argv = options.bin
    ? ['bin/breakwater.js', ...args]
    : ['--import', 'tsx', 'src/cli/main.ts', ...args];
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const start = performance.now();
  const run: Run = { code: null, signal: null, stdout: '', stderr: '', lines: [], took: 0 };
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    run.stdout += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      run.lines.push({ text, at: performance.now() - start });
      options.onLine?.(text, (s) => child.kill(s));
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  const limit = options.limit ?? CHILD_LIMIT_MS;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`breakwater ${args.join(' ')} still running after ${limit} ms:\n${run.stdout}`),
      );
    }, limit);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      Object.assign(run, { code, signal, took: performance.now() - start });
      resolve(run);
    });
  });
}

const TICK = /^ +(\d+\.\d)s \| /;
const TRANSITION =
  /^ +(\d+\.\d\d)s {2}(\w+) +(closed|open|half-open) -> (closed|open|half-open) {2}\((.+)\)$/;

/** The tick lines: their time in seconds as printed (`'1.0'`) and when they arrived. */
function ticks(run: Run): { time: string; at: number }[] {
  return run.lines.flatMap(({ text, at }) => {
    const m = TICK.exec(text);
    return m?.[1] ? [{ time: m[1], at }] : [];
  });
}

describe('breakwater (process)', { concurrency: true }, () => {
  it('demo --duration 3s: one line per second, the whole story, a summary, exit 0', async () => {
    const run = await breakwater(['demo', '--duration', '3s']);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    // 3 s of demo plus start-up; the process ends by itself once the demo is done.
    assert.ok(run.took >= 3000 && run.took < 10_000, `took ${run.took} ms`);

    const lines = ticks(run);
    assert.deepEqual(
      lines.map((l) => l.time),
      ['1.0', '2.0', '3.0'],
    );
    for (let i = 1; i < lines.length; i++) {
      const gap = lines[i]!.at - lines[i - 1]!.at;
      assert.ok(gap > 500 && gap < 1500, `line ${i + 1} came ${gap} ms after the previous one`);
    }

    assert.match(run.stdout, /^Summary after 3\.0s \(done\):$/m);
    assert.match(run.stdout, /^ {2}payments {3}150 calls: .*; now closed$/m);
    assert.match(run.stdout, /^ {2}inventory {2}150 calls: .*; now closed$/m);
    assert.match(
      run.stdout,
      /the breaker spared it \d+ of the \d+ calls made while it was unhealthy/,
    );
    assert.equal(run.stdout.includes('\x1b['), false, 'no colour when stdout is not a terminal');

    const transitions = run.lines.flatMap(({ text }) => {
      const m = TRANSITION.exec(text);
      return m ? [{ at: Number(m[1]), name: m[2], from: m[3], to: m[4], reason: m[5] }] : [];
    });
    assert.match(run.stdout, new RegExp(`^Transitions \\(${transitions.length}\\):$`, 'm'));
    for (let i = 1; i < transitions.length; i++) {
      assert.ok(transitions[i]!.at >= transitions[i - 1]!.at, 'transitions are in time order');
    }
    for (const name of ['payments', 'inventory']) {
      const path = transitions.filter((t) => t.name === name);
      assert.deepEqual(
        path[0],
        { ...path[0], from: 'closed', to: 'open', reason: 'tripped' },
        name,
      );
      assert.deepEqual(
        path.at(-1),
        { ...path.at(-1), from: 'half-open', to: 'closed', reason: 'probes succeeded' },
        name,
      );
      for (let i = 1; i < path.length; i++) {
        assert.equal(
          path[i]!.from,
          path[i - 1]!.to,
          `${name}: each change starts where the last ended`,
        );
      }
      // closed -> open -> (half-open -> open)* -> half-open -> closed, nothing else.
      assert.match(
        path.map((t) => t.to).join(' '),
        /^open (half-open open )*half-open closed$/,
        name,
      );
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`demo without --duration stops cleanly on ${signal}: last line, summary, exit 0`, async () => {
      let sentAt = 0;
      const run = await breakwater(['demo'], {
        onLine(line, kill) {
          if (sentAt === 0 && TICK.test(line)) {
            sentAt = performance.now();
            kill(signal);
          }
        },
      });
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      assert.equal(run.signal, null);
      assert.ok(sentAt > 0, 'a first line came');
      // Whole seconds (1.0, 2.0, ...; a loaded machine may deliver the signal a second late),
      // then the part-second since the last of them, printed to a tenth (so 1.0 for 1.04 s).
      const times = ticks(run).map((l) => Number(l.time));
      const whole = times.slice(0, -1);
      assert.ok(times.length >= 2, `lines at ${times.join(', ')}`);
      assert.deepEqual(
        whole,
        whole.map((_, i) => i + 1),
      );
      const last = times.at(-1)!;
      assert.ok(last >= whole.length && last <= whole.length + 1, `lines at ${times.join(', ')}`);
      assert.match(run.stdout, /^Summary after \d+\.\ds \(stopped\):$/m);
      assert.ok(run.stdout.trimEnd().endsWith('Transitions (0):\n  none'), run.stdout);
    });
  }

  it('exits 2 on a bad value, naming the flag and the value', async () => {
    const run = await breakwater(['demo', '--duration', 'thirty']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'breakwater demo: --duration: expected a duration like "30s", got "thirty"\n' +
        "Run 'breakwater demo --help' for usage.\n",
    );
  });

  it('--help exits 0 with the usage', async () => {
    const run = await breakwater(['--help']);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^Usage: breakwater <command> \[options\]$/m);
  });

  it('bin/breakwater.js runs the CLI without a build', async () => {
    const run = await breakwater(['--version'], { bin: true });
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${version}\n`);
  });
});
