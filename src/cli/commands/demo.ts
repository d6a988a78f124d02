import { quote } from '../../core/options.js';
import { DemoGateway } from '../../demo/gateway.js';
import { autoSpeed } from '../../demo/scenario.js';
import { DemoServer } from '../../demo/server.js';
import { STORY_LENGTH } from '../../demo/story.js';
import { attachTerminal, formatIntro, formatSummary } from '../../demo/terminal.js';
import { useColor } from '../color.js';
import { parseDurationFlag } from '../duration.js';
import { convertFlag, parseFlags } from '../flags.js';
import type { CliIo, Command } from '../io.js';

const flags = {
  duration: { type: 'string' },
  speed: { type: 'string' },
  rate: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The port `breakwater demo` serves on unless told otherwise. */
export const DEFAULT_PORT = 8080;

const usage = `Usage: breakwater demo [options]

Runs a small system in this process and plays a scripted outage against it: a gateway that,
for every request, calls three dependencies through circuit breakers (one manager holds them):
"payments" and the third-party "shipping" API over HTTP on loopback ports, "inventory" in
process. "payments" fails (errors and hanging calls) from 6s to 14s of the ${STORY_LENGTH / 1000}s story;
"inventory" turns slow from 10s to 17s; "shipping" is always a little flaky and down from 19s
to 22s. Longer runs repeat the story.

A live dashboard, Prometheus metrics and health probes are served on one local port:
  /         the dashboard (breakers, rates, sparklines, transitions, cascade signal)
  /metrics  Prometheus text format
  /livez    liveness; /readyz readiness (?verbose for details)
The terminal gets one line per second: each dependency's phase, its breaker's state, the calls
let through, succeeded, failed and rejected in that second, and the breaker's failure and
slow-call rates. At the end (or on Ctrl-C) it prints a summary: totals, calls the breakers
spared the failing dependencies, and every state change with its time. Nothing external is
needed.

Options:
  --duration <time>  stop after this long: 250ms, 30s, 5m, 1m30s or a number of ms
                     (default: run until Ctrl-C or SIGTERM)
  --speed <x>        play the story x times faster, 0 < x <= 100 (default: fit the story into
                     --duration when that is shorter than ${STORY_LENGTH / 1000}s, else 1; longer runs repeat it)
  --rate <n>         requests per second into the gateway (so calls per second through each
                     breaker), 1..1000 (default 50)
  --port <n>         serve the dashboard, /metrics, /livez and /readyz on this port, 0..65535;
                     0 picks a free one (default ${DEFAULT_PORT}; when that is taken, a free one)
  --host <addr>      the interface to listen on (default 127.0.0.1: this machine only)
  -h, --help         show this help

Examples:
  breakwater demo --duration 25s
  breakwater demo --port 9000            until Ctrl-C; open http://127.0.0.1:9000/
  breakwater demo --duration 3s          the whole story, 8.3x faster
`;

function positiveDuration(text: string): number {
  const ms = parseDurationFlag(text);
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

function portValue(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535) {
    throw new RangeError(`must be a whole number from 0 to 65535, got ${quote(text)}`);
  }
  return n;
}

function hostValue(text: string): string {
  if (text.trim() === '' || /\s/.test(text)) {
    throw new RangeError(`must be an address or a host name, got ${quote(text)}`);
  }
  return text;
}

function rateValue(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 1000) {
    throw new RangeError(`must be a whole number from 1 to 1000 calls/s, got ${quote(text)}`);
  }
  return n;
}

/**
 * `breakwater demo`: starts the gateway (src/demo/gateway.ts) and the server of the dashboard,
 * metrics and health probes (src/demo/server.ts), prints where they are, runs the scripted
 * scenario and renders it in the terminal (src/demo/terminal.ts). Stops at `--duration` or when
 * `io.signal` aborts (Ctrl-C, SIGTERM), prints the summary, closes every server and connection,
 * and exits 0 either way; 1 when the server cannot listen.
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
    const port =
      values.port === undefined
        ? DEFAULT_PORT
        : convertFlag('port', values.port, portValue, 'demo');
    const host =
      values.host === undefined ? '127.0.0.1' : convertFlag('host', values.host, hostValue, 'demo');

    const gateway = await DemoGateway.start({ duration, speed, rate });
    let server: DemoServer;
    try {
      server = await DemoServer.start({
        host,
        port,
        // Only the default port may be swapped for a free one: a port asked for is a promise.
        fallback: values.port === undefined,
        target: gateway.manager,
        source: gateway.source,
        describe: (breaker) => gateway.describe(breaker),
        cascade: gateway.cascade,
      });
    } catch (error) {
      await gateway.close();
      const detail = error instanceof Error ? error.message : String(error);
      io.stderr.write(`breakwater demo: cannot serve on ${host} port ${port}: ${detail}\n`);
      return 1;
    }
    const style = {
      color: useColor(io.stdout, io.env),
      width: io.stdout.isTTY === true ? io.stdout.columns : undefined,
    };
    const notes = [
      `dashboard: ${server.url}`,
      server.hasMetrics
        ? `metrics:   ${server.url}metrics   health: /livez /readyz`
        : `metrics:   not served (npm install prom-client)   health: ${server.url}livez /readyz`,
      ...(server.fellBack ? [`(port ${DEFAULT_PORT} is in use, so a free port was taken)`] : []),
    ];
    io.stdout.write(formatIntro(gateway.scenario, style, notes));
    const detach = attachTerminal(gateway.scenario, (line) => io.stdout.write(line), style);
    try {
      const summary = await gateway.scenario.run(io.signal);
      io.stdout.write(formatSummary(summary, style));
    } finally {
      detach();
      await server.close();
      await gateway.close();
    }
    return 0;
  },
};
