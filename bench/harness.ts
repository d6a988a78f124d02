// Shared helpers for every `bench/*.bench.ts` module: the timing loop, best-of-N with
// interleaved rounds, heap and timer probes in a fresh child process, and table printing.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * One measured workload: runs `calls` sequential awaited calls and resolves when the last has
 * settled. Write each loop as its own function literal (`async (n) => { for (...) await x(); }`)
 * so that V8 gives every contender its own feedback and optimized code; a shared loop calling
 * a closure would measure the closure call and a polymorphic call site instead.
 */
export type Loop = (calls: number) => Promise<void>;

/** Calls per timed round (DESIGN.md: 200,000 sequential awaited calls). */
export const CALLS = 200_000;
/** Timed rounds per contender; the fastest is kept (DESIGN.md: best of 7). */
export const ROUNDS = 7;

const collect: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
let warnedNoGc = false;

/**
 * Runs a full garbage collection when the process was started with `--expose-gc` (as
 * `npm run bench` does), so that one contender's garbage is not collected on another's clock.
 */
export function gc(): void {
  if (collect) {
    collect();
  } else if (!warnedNoGc) {
    warnedNoGc = true;
    console.warn('warning: run with --expose-gc (npm run bench does); timings will be noisier');
  }
}

/** Times one round of `loop` and returns nanoseconds per call. */
export async function timeRound(loop: Loop, calls = CALLS): Promise<number> {
  gc();
  const start = process.hrtime.bigint();
  await loop(calls);
  const elapsed = process.hrtime.bigint() - start;
  return Number(elapsed) / calls;
}

/**
 * Runs every loop once, untimed, so that V8 has optimized them (and seen every shape the
 * later rounds will pass through shared code such as a library's `execute`) before timing.
 * A quarter of a round is plenty for that, and keeps the slowest peers from costing minutes.
 */
export async function warmUp(loops: Iterable<Loop>, calls = CALLS / 4): Promise<void> {
  for (const loop of loops) await loop(calls);
}

/**
 * A contender whose round takes longer than this (ms) stops after {@link MIN_ROUNDS} rounds: its
 * figure is steady by then, and 7 rounds of the slowest peers would take minutes.
 */
export const SLOW_ROUND_MS = 1_000;
/** Rounds a slow contender gets at least. */
export const MIN_ROUNDS = 3;

/**
 * Times each contender `rounds` times and keeps its fastest round, in ns per call. Rounds are
 * interleaved (every contender once per round, in a rotating order) so that a slow spell of
 * the machine hits all contenders alike instead of one of them. A contender whose rounds take
 * over {@link SLOW_ROUND_MS} stops after {@link MIN_ROUNDS}; `rounds` reports what each got.
 *
 * @param contenders loops by label; `undefined` marks a contender that has no such case
 * @returns ns per call by label (`NaN` for `undefined` contenders), and rounds timed by label
 */
export async function bestOf(
  contenders: Readonly<Record<string, Loop | undefined>>,
  rounds = ROUNDS,
  calls = CALLS,
): Promise<Record<string, number>> {
  return (await bestOfWithRounds(contenders, rounds, calls)).ns;
}

/** {@link bestOf}, also telling how many rounds each contender got. */
export async function bestOfWithRounds(
  contenders: Readonly<Record<string, Loop | undefined>>,
  rounds = ROUNDS,
  calls = CALLS,
): Promise<{ ns: Record<string, number>; rounds: Record<string, number> }> {
  const labels = Object.keys(contenders);
  const best: Record<string, number> = {};
  const done: Record<string, number> = {};
  for (const label of labels) {
    best[label] = contenders[label] ? Infinity : NaN;
    done[label] = 0;
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[(i + round) % labels.length]!;
      const loop = contenders[label];
      if (!loop) continue;
      const slow = (best[label]! * calls) / 1e6 > SLOW_ROUND_MS;
      if (slow && done[label]! >= MIN_ROUNDS) continue;
      const ns = await timeRound(loop, calls);
      done[label]!++;
      if (ns < best[label]!) best[label] = ns;
    }
  }
  return { ns: best, rounds: done };
}

/** `12.3` style ns figure; `n/a` for NaN. */
export function formatNs(ns: number): string {
  if (Number.isNaN(ns)) return 'n/a';
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}

/** `1.84x` style ratio of `ns` to `base`; `n/a` when either is NaN. */
export function formatRatio(ns: number, base: number): string {
  if (Number.isNaN(ns) || Number.isNaN(base)) return 'n/a';
  const r = ns / base;
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

/** `123.4 (3.52x)`: ns per call with its ratio to the bare call. */
export function nsWithRatio(ns: number, base: number): string {
  return Number.isNaN(ns) ? 'n/a' : `${formatNs(ns)} (${formatRatio(ns, base)})`;
}

/** Bytes, rounded: `512 B`, `6.9 KB` (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  if (Number.isNaN(bytes)) return 'n/a';
  return Math.abs(bytes) >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes.toFixed(0)} B`;
}

/** `PASS` when `value <= limit`, else `MISS`; `-` when there is no limit. */
export function verdict(value: number, limit: number | undefined): string {
  if (limit === undefined) return '-';
  if (Number.isNaN(value)) return 'MISS';
  return value <= limit ? 'PASS' : 'MISS';
}

/**
 * Prints a table with aligned columns: text columns left-aligned, the others right-aligned
 * (a column is "text" when it is listed in `leftAligned`, by index).
 */
export function printTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  leftAligned: readonly number[] = [0],
): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        return leftAligned.includes(i) ? cell.padEnd(w) : cell.padStart(w);
      })
      .join(' | ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

// --- probes in a fresh child process -----------------------------------------------------

/**
 * A probe subject: an exported function of a bench module that builds one object to measure
 * (a breaker, say), optionally makes calls through it, and returns what must stay reachable.
 */
export type Subject = () => unknown;

/** What the heap probe reports. */
export interface HeapResult {
  /** (heapUsed + arrayBuffers) after minus before, divided by the count, in bytes. */
  bytesPer: number;
  count: number;
}

/** What the timer probe reports. */
export interface TimerResult {
  /** Timer objects (setTimeout / setInterval) alive once the subjects' calls have settled. */
  live: number;
  /** Of `live`, those that keep the process alive (not unref'd). */
  refed: number;
  /** Timers made while building the subjects that are still alive `waitMs` later. */
  liveAfterWait: number;
  waitMs: number;
  count: number;
}

const probeScript = fileURLToPath(new URL('./probe-child.ts', import.meta.url));

/**
 * What the benches run against: `'dist'` after `npm run bench -- --dist` (bench/index.ts sets
 * `BREAKWATER_BENCH_TARGET`, which child processes inherit), else `'src'` through tsx.
 */
export function benchTarget(): 'src' | 'dist' {
  return process.env.BREAKWATER_BENCH_TARGET === 'dist' ? 'dist' : 'src';
}

/**
 * Node flags for a bench child process: tsx for the bench files, and with `--dist` the hook
 * that serves src/ imports from dist/ (use-dist.js).
 */
export function childLoaderArgs(): string[] {
  const args = ['--import', 'tsx'];
  if (benchTarget() === 'dist') {
    args.push('--import', fileURLToPath(new URL('./use-dist.js', import.meta.url)));
  }
  return args;
}

/**
 * Runs `node --import tsx --expose-gc bench/probe-child.ts ...` (with `--dist`, also the dist
 * hook) in a fresh process, so that a
 * measurement sees no garbage, compiled code or timers of earlier benchmarks.
 */
async function runProbe(args: readonly string[]): Promise<unknown> {
  const child = spawn(
    process.execPath,
    [...childLoaderArgs(), '--expose-gc', probeScript, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`probe ${args.join(' ')} exited with code ${String(code)}`);
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as unknown;
}

/**
 * Measures retained heap per subject in a fresh process: after a warm-up of 100 subjects and
 * two full GCs, builds `count` subjects (kept in a preallocated array), GCs twice, and divides
 * the growth of `heapUsed + arrayBuffers` by `count`.
 *
 * @param moduleUrl `import.meta.url` of the module exporting the subject
 * @param exportName name of the exported {@link Subject}
 * @param count how many subjects to build (default 10,000)
 */
export async function measureHeap(
  moduleUrl: string,
  exportName: string,
  count = 10_000,
): Promise<HeapResult> {
  return (await runProbe(['heap', moduleUrl, exportName, String(count)])) as HeapResult;
}

/**
 * Counts the timers held by `count` subjects in a fresh process, with `async_hooks` (which,
 * unlike `process.getActiveResourcesInfo()`, also sees unref'd timers): once right after the
 * subjects were built and their calls settled, and again `waitMs` ms later.
 */
export async function countTimers(
  moduleUrl: string,
  exportName: string,
  count = 1_000,
  waitMs = 0,
): Promise<TimerResult> {
  return (await runProbe([
    'timers',
    moduleUrl,
    exportName,
    String(count),
    String(waitMs),
  ])) as TimerResult;
}
