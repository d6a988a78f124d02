import { quote } from '../../core/options.js';
import { autoSpeed, Scenario } from '../../demo/scenario.js';
import { STORY_LENGTH } from '../../demo/story.js';
import { attachTerminal, formatIntro, formatSummary } from '../../demo/terminal.js';
import { useColor } from '../color.js';
import { parseDuration } from '../duration.js';
import { convertFlag, parseFlags } from '../flags.js';
import type { CliIo, Command } from '../io.js';

const flags = {
  duration: { type: 'string' },
  speed: { type: 'string' },
  rate: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const usage = `Usage: breakwater demo [options]

Plays a scripted outage against in-process dependencies, each behind a circuit breaker, and
prints one line per second: each dependency's phase, its breaker's state, the calls let through,
succeeded, failed and rejected in that second, and the breaker's failure and slow-call rates.
"payments" fails (errors and hanging calls) from 6s to 14s of the ${STORY_LENGTH / 1000}s story;
"inventory" turns slow from 10s to 17s. At the end (or on Ctrl-C) it prints a summary: totals,
calls the breakers spared the failing dependencies, and every state change with its time.
Nothing external is needed.

Options:
  --duration <time>  stop after this long: 250ms, 30s, 5m, 1m30s or a number of ms
                     (default: run until Ctrl-C or SIGTERM)
  --speed <x>        play the story x times faster, 0 < x <= 100 (default: fit the story into
                     --duration when that is shorter than ${STORY_LENGTH / 1000}s, else 1; longer runs repeat it)
  --rate <n>         calls per second through each breaker, 1..1000 (default 50)
  -h, --help         show this help

Examples:
  breakwater demo --duration 25s
  breakwater demo --duration 3s          the whole story, 8.3x faster
`;

function positiveDuration(text: string): number {
  const ms = parseDuration(text);
  if (!(ms > 0)) throw new RangeError(`must be more than 0 ms, got ${quote(text)}`);
  return ms;
}

function speedValue(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !(x > 0 && x <= 100)) {
    throw new RangeError(`must be a number with 0 < x <= 100, got ${quote(text)}`);
  }
  return x;
}

function rateValue(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 1000) {
    throw new RangeError(`must be a whole number from 1 to 1000 calls/s, got ${quote(text)}`);
  }
  return n;
}

/**
 * `breakwater demo`: runs the scripted scenario (src/demo/scenario.ts) and renders it in the
 * terminal (src/demo/terminal.ts). Stops at `--duration` or when `io.signal` aborts (Ctrl-C,
 * SIGTERM), prints the summary, and exits 0 either way.
 */
export const demo: Command = {
  name: 'demo',
  summary: 'a scripted outage behind circuit breakers, live in the terminal',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const values = parseFlags(args, flags, 'demo');
    if (values.help) {
      io.stdout.write(usage);
      return 0;
    }
    const duration =
      values.duration === undefined
        ? Infinity
        : convertFlag('duration', values.duration, positiveDuration, 'demo');
    const speed =
      values.speed === undefined
        ? autoSpeed(duration)
        : convertFlag('speed', values.speed, speedValue, 'demo');
    const rate =
      values.rate === undefined ? 50 : convertFlag('rate', values.rate, rateValue, 'demo');

    const scenario = new Scenario({ duration, speed, rate });
    const style = { color: useColor(io.stdout, io.env) };
    io.stdout.write(formatIntro(scenario, style));
    const detach = attachTerminal(scenario, (line) => io.stdout.write(line), style);
    try {
      const summary = await scenario.run(io.signal);
      io.stdout.write(formatSummary(summary, style));
    } finally {
      detach();
    }
    return 0;
  },
};
