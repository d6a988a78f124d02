// A small mutation pass over src/core: flips one comparison, logical operator, boolean or
// increment at a time in the TypeScript source, runs the core's tests (src/core and
// src/testing only) and counts the mutants the tests kill. Run it on a scratch copy of the
// worktree (it rewrites files in place and restores each one afterwards):
//
//   node --import tsx scripts/mutate-core.ts [--sample N] [--seed S] [--timeout SECONDS] [--files a,b]
//
// A run stops at the first failing test (the dot reporter prints `X`), so killed mutants are
// cheap; survivors and timeouts are listed at the end with file:line and the change.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface Mutant {
  file: string;
  line: number;
  column: number;
  from: string;
  to: string;
}

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const sample = Number(flag('sample', '0'));
const seed = Number(flag('seed', '1'));
const timeoutMs = Number(flag('timeout', '240')) * 1000;
const onlyFiles = flag('files', '')
  .split(',')
  .filter((f) => f !== '');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const sources = walk(join(root, 'src/core'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => relative(root, f))
  .filter((f) => onlyFiles.length === 0 || onlyFiles.some((o) => f.includes(o)));
// resources.test.ts asserts wall-clock budgets: on a loaded machine it fails on its own, which
// would count as a kill, so it is left out.
const tests = [...walk(join(root, 'src/core')), ...walk(join(root, 'src/testing'))]
  .filter((f) => f.endsWith('.test.ts') && !f.endsWith('resources.test.ts'))
  .map((f) => relative(root, f));

// Longest first, so `>=` is not also matched as `>`.
const SWAPS: [RegExp, string, string][] = [
  [/===/g, '===', '!=='],
  [/!==/g, '!==', '==='],
  [/<=/g, '<=', '<'],
  [/>=/g, '>=', '>'],
  // Spaced on both sides: a comparison as Prettier prints it, never a generic `Record<K, V>`
  // (a mutant that does not compile would count as killed).
  [/ < /g, ' < ', ' <= '],
  [/ > /g, ' > ', ' >= '],
  [/&&/g, '&&', '||'],
  [/\|\|/g, '||', '&&'],
  [/\btrue\b/g, 'true', 'false'],
  [/\bfalse\b/g, 'false', 'true'],
  [/\+\+/g, '++', '--'],
  [/--(?![-\s>])/g, '--', '++'],
  [/ \+ 1\b/g, ' + 1', ' - 1'],
  [/ - 1\b/g, ' - 1', ' + 1'],
];

function mutantsOf(file: string): Mutant[] {
  const out: Mutant[] = [];
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const code = text.trimStart();
      // Comments, imports, type-only lines and message strings are not behaviour to test.
      if (/^(\/\/|\*|\/\*|import |export type |type |interface )/.test(code)) return;
      if (/=>\s*$|^\|/.test(code) && !/[=!<>&|]/.test(code)) return;
      for (const [pattern, from, to] of SWAPS) {
        for (const match of text.matchAll(pattern)) {
          const before = text.slice(0, match.index);
          // Inside a string or template literal: skip (an odd number of quotes before it).
          if ((before.match(/[`'"]/g)?.length ?? 0) % 2 === 1) continue;
          out.push({ file, line: i + 1, column: match.index, from, to });
        }
      }
    });
  return out;
}

function apply(m: Mutant): string {
  const path = join(root, m.file);
  const original = readFileSync(path, 'utf8');
  const lines = original.split('\n');
  const text = lines[m.line - 1] ?? '';
  lines[m.line - 1] = text.slice(0, m.column) + m.to + text.slice(m.column + m.from.length);
  writeFileSync(path, lines.join('\n'));
  return original;
}

// 'killed' (a test failed), 'survived' (all passed), 'timeout' (counted as killed, listed).
function runTests(): Promise<'killed' | 'survived' | 'timeout'> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './test/setup.ts', '--test', '--test-reporter=dot', ...tests],
      { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], detached: true },
    );
    let settled = false;
    const finish = (result: 'killed' | 'survived' | 'timeout'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The test runner and the files it spawned: its own process group, by its PID.
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish('timeout');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('X')) finish('killed');
    });
    child.on('exit', (code) => {
      finish(code === 0 ? 'survived' : 'killed');
    });
  });
}

// A seeded shuffle, so a sample is repeatable.
function shuffled<T>(items: T[], s: number): T[] {
  let state = s >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const all = sources.flatMap(mutantsOf);
const chosen = sample > 0 ? shuffled(all, seed).slice(0, sample) : all;
console.log(`${all.length} mutants in ${sources.length} files; running ${chosen.length}`);
const survivors: Mutant[] = [];
const timeouts: Mutant[] = [];
let killed = 0;
for (const [i, m] of chosen.entries()) {
  const original = apply(m);
  let result: Awaited<ReturnType<typeof runTests>>;
  try {
    result = await runTests();
  } finally {
    writeFileSync(join(root, m.file), original);
  }
  if (result === 'survived') survivors.push(m);
  else {
    killed++;
    if (result === 'timeout') timeouts.push(m);
  }
  console.log(`[${i + 1}/${chosen.length}] ${result} ${m.file}:${m.line} ${m.from} -> ${m.to}`);
}
const score = chosen.length === 0 ? 100 : (100 * killed) / chosen.length;
console.log(`\nmutation score: ${killed}/${chosen.length} killed (${score.toFixed(1)}%)`);
for (const m of survivors) console.log(`survived: ${m.file}:${m.line} ${m.from} -> ${m.to}`);
for (const m of timeouts)
  console.log(`timeout (counted killed): ${m.file}:${m.line} ${m.from} -> ${m.to}`);
