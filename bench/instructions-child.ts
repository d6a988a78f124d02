// The process that instructions.ts counts. Run as
//   node --single-threaded --expose-gc --import tsx bench/instructions-child.ts \
//     --mark callgrind|perf|none --warm <calls> --calls <calls> --rounds <n> [--only <id>]
//   node --import tsx bench/instructions-child.ts --list
// It builds every contender of instruction-cases.ts, runs each loop once for `--warm` calls
// (so that V8 has optimised every loop, and shared code has seen every configuration, before
// anything is counted, as in the timed bench), then for each round and contender: a full GC,
// a start mark, the loop of `--calls` calls, an end mark. The marks are what the counter keys
// on (see instructions.ts); the last stdout line is JSON naming the counted segments in order.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { getPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { gc, type Loop } from './harness.js';
import { buildContenders } from './instruction-cases.js';

const { values } = parseArgs({
  options: {
    list: { type: 'boolean', default: false },
    mark: { type: 'string', default: 'none' },
    warm: { type: 'string', default: '20000' },
    calls: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});

/** A start or end mark around a counted loop. */
type Mark = () => void;

/**
 * callgrind: `--dump-before=uv_os_getpriority` writes a dump each time libuv's getpriority runs,
 * and nothing else in the process calls it, so each loop lands in a dump of its own.
 * perf: `perf stat --control fifo:ctl,ack -D -1` counts only between "enable" and "disable".
 */
function marker(kind: string): { start: Mark; end: Mark; close: () => void } {
  if (kind === 'callgrind') {
    const mark = (): void => void getPriority(0);
    return { start: mark, end: mark, close: () => undefined };
  }
  if (kind === 'perf') {
    const ctlPath = process.env.BREAKWATER_PERF_CTL;
    const ackPath = process.env.BREAKWATER_PERF_ACK;
    if (!ctlPath || !ackPath) throw new Error('--mark perf needs BREAKWATER_PERF_CTL and _ACK');
    const ctl = openSync(ctlPath, 'w');
    const ack = openSync(ackPath, 'r');
    const ackBuf = Buffer.alloc(16);
    const send = (command: string): void => {
      writeSync(ctl, `${command}\n`);
      // perf answers "ack\n" once the events are switched; wait for it so no call slips past.
      readSync(ack, ackBuf, 0, ackBuf.length, null);
    };
    return {
      start: () => {
        send('enable');
      },
      end: () => {
        send('disable');
      },
      close: () => {
        closeSync(ctl);
        closeSync(ack);
      },
    };
  }
  if (kind === 'none')
    return { start: () => undefined, end: () => undefined, close: () => undefined };
  throw new TypeError(`--mark must be callgrind, perf or none, got ${JSON.stringify(kind)}`);
}

/** A positive integer flag, or a TypeError naming it. */
function count(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    throw new TypeError(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

const built = await buildContenders();
if (values.list) {
  console.log(JSON.stringify({ contenders: built.contenders.map(({ loop: _loop, ...c }) => c) }));
} else {
  const warm = count('warm', values.warm);
  const calls = count('calls', values.calls);
  const rounds = count('rounds', values.rounds);
  const counted = built.contenders.filter((c) => values.only === undefined || c.id === values.only);
  if (counted.length === 0) throw new Error(`no contender has id ${JSON.stringify(values.only)}`);
  // Warm every loop, counted or not, as the timed bench does.
  const loops = new Set<Loop>(built.contenders.map((c) => c.loop));
  for (const loop of loops) await loop(warm);
  const mark = marker(values.mark);
  const segments: string[] = [];
  const ns: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const c of counted) {
      gc();
      const t0 = process.hrtime.bigint();
      mark.start();
      await c.loop(calls);
      mark.end();
      const t = Number(process.hrtime.bigint() - t0) / calls;
      ns[c.id] = Math.min(ns[c.id] ?? Infinity, t);
      segments.push(c.id);
    }
  }
  mark.close();
  built.check();
  built.close();
  console.log(JSON.stringify({ segments, calls, ns }));
}
// Peers' interval timers are unref'd, but exit explicitly in case one is not.
process.exit(0);
