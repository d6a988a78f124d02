// `npm run bench` (node --import tsx --expose-gc bench/index.ts): runs every bench/*.bench.ts
// module, each exporting `async function run(): Promise<void>` that prints its own table.
// Arguments filter by file name: `npm run bench -- core` runs the files whose name has "core".
// Flags: `--dist` measures the build in dist/ (run `npm run build` first) instead of src/
// through tsx; `--instructions[=valgrind|perf]` counts instructions per call instead of timing
// (instructions.ts), with `--calls=N`, `--warm=N`, `--rounds=N`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const dir = dirname(fileURLToPath(import.meta.url));
const { values: flags, positionals: filters } = parseArgs({
  allowPositionals: true,
  options: {
    dist: { type: 'boolean', default: false },
    instructions: { type: 'string' },
    calls: { type: 'string' },
    warm: { type: 'string' },
    rounds: { type: 'string' },
  },
  // `--instructions` alone means "pick a counter": give the bare flag a value.
  args: process.argv.slice(2).map((a) => (a === '--instructions' ? '--instructions=auto' : a)),
});

if (flags.dist) {
  const built = join(dir, '..', 'dist', 'index.js');
  if (!existsSync(built)) {
    console.error('bench --dist: dist/index.js is missing: run `npm run build` first');
    process.exit(1);
  }
  const newest = newestMtime(join(dir, '..', 'src'));
  if (newest > statSync(built).mtimeMs) {
    console.warn('bench --dist: src/ changed after the last build: run `npm run build` first');
  }
  process.env.BREAKWATER_BENCH_TARGET = 'dist';
  register('./dist-hooks.js', import.meta.url);
}

/** Latest modification time (ms) of any non-test .ts file under `root`. */
function newestMtime(root: string): number {
  let newest = 0;
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

if (flags.instructions !== undefined) {
  const { DEFAULTS, runInstructions } = await import('./instructions.js');
  const counter = flags.instructions;
  if (counter !== 'auto' && counter !== 'valgrind' && counter !== 'perf') {
    console.error(`--instructions must be valgrind or perf, got ${JSON.stringify(counter)}`);
    process.exit(1);
  }
  const int = (name: 'calls' | 'warm' | 'rounds'): number => {
    const text = flags[name];
    if (text === undefined) return DEFAULTS[name];
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) {
      console.error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
      process.exit(1);
    }
    return n;
  };
  await runInstructions({ counter, calls: int('calls'), warm: int('warm'), rounds: int('rounds') });
  process.exit(0);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no bench/*.bench.ts file matched ${JSON.stringify(filters)}`);
  process.exit(1);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `breakwater benchmarks: node ${process.version}, ${cpu} x ${cpus().length}, ${new Date().toISOString()}`,
);
console.log(
  `modules: ${files.join(', ')}; against ${flags.dist ? 'dist/ (the build)' : 'src/ (tsx)'}`,
);
console.log(`${load()}\n`);

/** The 1-minute load average, with a warning when other work competes for the cores. */
function load(): string {
  const avg = loadavg()[0] ?? 0;
  const busy = avg > cpus().length - 1;
  return `load average (1 min): ${avg.toFixed(2)} on ${cpus().length} cores${
    busy ? ' - other processes compete for the CPU: figures are noisier than usual' : ''
  }`;
}

const started = performance.now();
let failed = 0;
for (const file of files) {
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run?: unknown };
    if (typeof mod.run !== 'function') {
      throw new TypeError(`${file} must export async function run(): Promise<void>`);
    }
    await (mod.run as () => Promise<void>)();
  } catch (error) {
    failed++;
    console.error(`\n${file} failed:`, error);
  }
  console.log(`\n(${file}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s; ${load()}`);
if (failed > 0) process.exitCode = 1;
