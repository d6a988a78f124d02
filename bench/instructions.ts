// `npm run bench -- --instructions[=valgrind|perf] [--dist]`: instructions per call instead of
// nanoseconds, so that a shared, loaded machine cannot move the figures. See bench/README.md
// ("Instruction counts") for the method; instructions-child.ts is the counted process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchTarget, childLoaderArgs, formatRatio, printTable, verdict } from './harness.js';
import type { Contender } from './instruction-cases.js';

/** Counted calls per loop and round, warm-up calls per loop, rounds (the lowest count is kept). */
export interface InstructionOptions {
  counter: 'auto' | 'valgrind' | 'perf';
  calls: number;
  warm: number;
  rounds: number;
}

export const DEFAULTS: InstructionOptions = {
  counter: 'auto',
  calls: 20_000,
  warm: 20_000,
  rounds: 2,
};

const child = fileURLToPath(new URL('./instructions-child.ts', import.meta.url));
/** V8 runs GC and compilation on the main thread: every instruction of the call is counted. */
const NODE_FLAGS = ['--single-threaded', '--expose-gc'];
/** The event perf counts; `BREAKWATER_PERF_EVENT=task-clock` tests the plumbing without a PMU. */
const perfEvent = (): string => process.env.BREAKWATER_PERF_EVENT ?? 'instructions:u';

interface Outcome {
  segments: string[];
  calls: number;
}

/** Runs a command to its end, collecting stdout; stderr is passed through when `loud`. */
function run(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited with ${String(code)}:\n${err.slice(-4000)}`));
    });
  });
}

/** The last line of a child's stdout, parsed (the children print their result there). */
function lastJson(out: string): unknown {
  return JSON.parse(out.trim().split('\n').pop() ?? 'null');
}

/** The count perf wrote with `-x,` to `file`: the first field of the event's line. */
function perfCount(file: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.includes(`,${perfEvent()},`) || l.includes(`,${perfEvent()}`));
  const value = Number(line?.split(',')[0]);
  if (!Number.isFinite(value)) throw new Error(`perf counted nothing: ${line ?? '(no line)'}`);
  return value;
}

/** Whether `perf stat` can count the event here (VMs often expose no PMU: "<not supported>"). */
export function perfWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'bw-perf-'));
  try {
    const out = join(dir, 'out');
    const r = spawnSync('perf', ['stat', '-x,', '-e', perfEvent(), '-o', out, 'true']);
    return r.status === 0 && perfCount(out) > 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasValgrind(): boolean {
  return spawnSync('valgrind', ['--version']).status === 0;
}

/**
 * callgrind: one process counts every loop. `--dump-before=uv_os_getpriority` writes a dump at
 * each mark (the child calls os.getPriority before and after each loop, and nothing else calls
 * it), so dump 2k holds exactly the k-th loop: startup, warm-up and GC fall in the odd dumps.
 */
async function countWithCallgrind(o: InstructionOptions): Promise<Map<string, number[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-callgrind-'));
  try {
    const out = await run('valgrind', [
      '--tool=callgrind',
      '--dump-before=uv_os_getpriority',
      `--callgrind-out-file=${join(dir, 'cg.out')}`,
      '--dump-instr=no',
      '--dump-line=no',
      process.execPath,
      ...NODE_FLAGS,
      ...childLoaderArgs(),
      child,
      '--mark=callgrind',
      `--warm=${o.warm}`,
      `--calls=${o.calls}`,
      `--rounds=${o.rounds}`,
    ]);
    const { segments, calls } = lastJson(out) as Outcome;
    const dumps = readdirSync(dir).filter((f) => /^cg\.out\.\d+$/.test(f)).length;
    if (dumps !== 2 * segments.length) {
      throw new Error(
        `callgrind wrote ${dumps} dumps for ${segments.length} loops (expected 2 each)`,
      );
    }
    const result = new Map<string, number[]>();
    segments.forEach((id, k) => {
      const text = readFileSync(join(dir, `cg.out.${2 * (k + 1)}`), 'utf8');
      const total = Number(/^(?:totals|summary):\s*(\d+)/m.exec(text)?.[1]);
      if (!Number.isFinite(total)) throw new Error(`no totals in callgrind dump ${2 * (k + 1)}`);
      result.set(id, [...(result.get(id) ?? []), total / calls]);
    });
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * perf: a process per contender and round, started with its counters off (`-D -1`); the child
 * switches them on and off around its loop through `--control` fifos and waits for each ack.
 */
async function countWithPerf(
  o: InstructionOptions,
  contenders: readonly Contender[],
): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>();
  for (let round = 0; round < o.rounds; round++) {
    for (const c of contenders) {
      const dir = mkdtempSync(join(tmpdir(), 'bw-perf-'));
      try {
        const ctl = join(dir, 'ctl');
        const ack = join(dir, 'ack');
        const outFile = join(dir, 'out');
        for (const fifo of [ctl, ack]) {
          if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error(`mkfifo ${fifo} failed`);
        }
        const args = ['stat', '-x,', '-e', perfEvent(), '-D', '-1'];
        args.push('--control', `fifo:${ctl},${ack}`, '-o', outFile, '--', process.execPath);
        args.push(...NODE_FLAGS, ...childLoaderArgs(), child, '--mark=perf', `--only=${c.id}`);
        args.push(`--warm=${o.warm}`, `--calls=${o.calls}`, '--rounds=1');
        const env = { ...process.env, BREAKWATER_PERF_CTL: ctl, BREAKWATER_PERF_ACK: ack };
        const { calls } = lastJson(await run('perf', args, env)) as Outcome;
        result.set(c.id, [...(result.get(c.id) ?? []), perfCount(outFile) / calls]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  return result;
}

const fmt = (n: number): string =>
  Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US');

/** Counts every contender and prints the tables. */
export async function runInstructions(o: InstructionOptions): Promise<void> {
  const counter =
    o.counter === 'auto'
      ? perfWorks()
        ? 'perf'
        : hasValgrind()
          ? 'valgrind'
          : undefined
      : o.counter;
  if (!counter) {
    throw new Error(
      '--instructions needs valgrind (apt-get install valgrind) or a perf that counts instructions',
    );
  }
  const { contenders } = lastJson(
    await run(process.execPath, [...childLoaderArgs(), child, '--list']),
  ) as { contenders: Contender[] };
  console.log(`# Instructions per call (${counter}, against ${benchTarget()})`);
  console.log(
    `${o.calls.toLocaleString('en-US')} counted calls per loop and round, lowest of ${o.rounds} rounds, ` +
      `after ${o.warm.toLocaleString('en-US')} warm-up calls of every loop; node ${NODE_FLAGS.join(' ')}\n`,
  );
  process.stderr.write(
    counter === 'valgrind'
      ? 'counting under callgrind: a few minutes (one process, ~50x slower than native)...\n'
      : `counting with perf: ${contenders.length * o.rounds} processes `,
  );
  const t0 = performance.now();
  const counts =
    counter === 'valgrind' ? await countWithCallgrind(o) : await countWithPerf(o, contenders);
  const per = (id: string): number => Math.min(...(counts.get(id) ?? [NaN]));
  const spread = (id: string): number => {
    const xs = counts.get(id) ?? [];
    return xs.length < 2 ? 0 : (Math.max(...xs) - Math.min(...xs)) / Math.min(...xs);
  };
  const bare = per('bare');
  const cell = (c: Contender | undefined): string =>
    c ? `${fmt(per(c.id))} (${formatRatio(per(c.id), bare)})${c.mark ?? ''}` : 'n/a';

  const rows: string[][] = [];
  const extras: string[] = [];
  const names = [...new Set(contenders.filter((c) => c.role !== 'bare').map((c) => c.caseName))];
  for (const name of names) {
    const of = (role: string): Contender | undefined =>
      contenders.find((c) => c.caseName === name && c.role === role);
    const bw = of('breakwater');
    if (bw) {
      rows.push([
        name,
        cell(bw),
        cell(of('cockatiel')),
        cell(of('opossum')),
        `<= ${bw.target?.toFixed(1) ?? '?'}x`,
        verdict(per(bw.id) / bare, bw.target),
      ]);
    }
    for (const x of contenders.filter((c) => c.caseName === name && c.role === 'extra')) {
      extras.push(`also counted: ${name}: ${x.label}: ${cell(x)}`);
    }
    const unobserved = of('observed');
    const observed = contenders.find((c) => c.caseName === name && c.id === 'obs.both');
    if (unobserved && observed) {
      const ratio = per(observed.id) / per(unobserved.id);
      rows.push([
        `${name} [5]`,
        `${cell(observed)} = ${formatRatio(per(observed.id), per(unobserved.id))} unobserved`,
        'n/a',
        'n/a',
        `<= ${observed.target?.toFixed(1) ?? '?'}x`,
        verdict(ratio, observed.target),
      ]);
    }
  }
  console.log(`bare \`await fn()\`: ${fmt(bare)} instructions per call\n`);
  printTable(['case', 'breakwater', 'cockatiel 3', 'opossum 9', 'target', 'breakwater'], rows);
  console.log('');
  for (const line of extras) console.log(line);
  const unobserved = contenders.find((c) => c.id === 'obs.unobserved');
  if (unobserved) console.log(`also counted: the unobserved breaker of [5]: ${cell(unobserved)}`);
  const noisy = contenders.filter((c) => spread(c.id) > 0.01).map((c) => c.id);
  console.log(
    noisy.length === 0
      ? `rounds agreed within 1% for every loop.`
      : `rounds differed by more than 1% for: ${noisy.join(', ')}`,
  );
  console.log(
    [
      'instructions per call (ratio to the bare awaited call). [1]-[4]: as in core.bench.ts.',
      '[5] registerMetrics + instrument(mode: attributes) on one breaker; its target is the ratio',
      '    to the same breaker unobserved (observability.bench.ts), not to the bare call.',
      `(counted in ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    ].join('\n'),
  );
}
