// The child side of harness.ts's measureHeap / countTimers. Run as
//   node --import tsx --expose-gc bench/probe-child.ts heap <module-url> <export> <count>
//   node --import tsx --expose-gc bench/probe-child.ts timers <module-url> <export> <count> <wait-ms>
// and prints one JSON line on stdout. Not a *.bench.ts file, so bench/index.ts never runs it.
import { createHook } from 'node:async_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

const [mode, moduleUrl, exportName, countArg, waitArg] = process.argv.slice(2);
if ((mode !== 'heap' && mode !== 'timers') || !moduleUrl || !exportName || !countArg) {
  throw new TypeError(`usage: probe-child.ts heap|timers <module-url> <export> <count> [wait-ms]`);
}
const count = Number(countArg);
const mod = (await import(moduleUrl)) as Record<string, unknown>;
const subject = mod[exportName];
if (typeof subject !== 'function') {
  throw new TypeError(`${moduleUrl} has no exported function ${JSON.stringify(exportName)}`);
}
const make = subject as () => unknown;
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('probe-child.ts needs --expose-gc');

function fullGc(): void {
  collect!();
  collect!();
}

function retained(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function heap(): Promise<void> {
  // Warm-up: compiles the code paths and creates the hidden classes, which are per process
  // rather than per subject, so they stay out of the figure.
  for (let i = 0; i < 100; i++) await make();
  const keep: unknown[] = new Array<unknown>(count).fill(null);
  await nextTurn();
  fullGc();
  const before = retained();
  for (let i = 0; i < count; i++) keep[i] = await make();
  await nextTurn();
  fullGc();
  const after = retained();
  // Read `keep` after the measurement so it cannot be collected early.
  const kept = keep.filter((x) => x !== null).length;
  console.log(JSON.stringify({ bytesPer: (after - before) / count, count: kept }));
}

async function timers(): Promise<void> {
  const waitMs = Number(waitArg ?? '0');
  const live = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  const keep: unknown[] = [];
  for (let i = 0; i < count; i++) keep.push(await make());
  // Lets timers cleared by settled calls report their destruction.
  await nextTurn();
  await nextTurn();
  const made = new Set(live);
  const refed = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  let liveAfterWait = made.size;
  if (waitMs > 0) {
    await sleep(waitMs);
    await nextTurn();
    await nextTurn();
    liveAfterWait = [...made].filter((id) => live.has(id)).length;
  }
  hook.disable();
  console.log(
    JSON.stringify({ live: made.size, refed, liveAfterWait, waitMs, count: keep.length }),
  );
}

if (mode === 'heap') await heap();
else await timers();
// Peers' interval timers are unref'd, but exit explicitly in case one is not.
process.exit(0);
