// `npm run bench` (node --import tsx --expose-gc bench/index.ts): runs every bench/*.bench.ts
// module, each exporting `async function run(): Promise<void>` that prints its own table.
// Arguments filter by file name: `npm run bench -- core` runs the files whose name has "core".
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
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
console.log(`modules: ${files.join(', ')}`);
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
