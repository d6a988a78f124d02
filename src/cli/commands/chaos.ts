import { parseHostPort } from '../../chaos/address.js';
import { FaultProxy } from '../../chaos/fault-proxy.js';
import { quote } from '../../core/options.js';
import { convertFlag, parseFlags } from '../flags.js';
import type { CliIo, Command } from '../io.js';
import { UsageError } from '../usage-error.js';
import { chaosRun } from './chaos-run.js';

const usage = `Usage: breakwater chaos proxy [--api HOST:PORT]
       breakwater chaos run EXPERIMENT.yaml [--journal FILE.json] [--report FILE.html]

proxy  runs a TCP fault proxy whose control API is Toxiproxy's HTTP API, so Toxiproxy's
       clients (toxiproxy-node-client, toxiproxy-cli) drive it: create proxies, add toxics
       (latency, timeout, reset_peer, bandwidth, slow_close, limit_data, slicer), cut them
       with enabled: false. Runs until Ctrl-C.
run    runs an experiment: starts its proxies, drives the load at a fixed rate, applies the
       method's faults on their timeline, follows the breaker through its Prometheus state
       gauge, checks the hypothesis and the assertions, and rolls back every fault at the end
       and on Ctrl-C. Exit 0: every check passed; 1: a check failed; 2: a bad file (every
       mistake by its path); 130 on Ctrl-C. See docs/chaos.md.

Options:
  --api <host:port>     proxy: where the control API listens (default 127.0.0.1:8474)
  --journal <file>      run: write the whole run as JSON
  --report <file>       run: write one self-contained HTML page with the timeline
  -h, --help            show this help
`;

const flags = {
  api: { type: 'string' },
  journal: { type: 'string' },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function proxy(values: { api?: string | undefined }, io: CliIo): Promise<number> {
  const address =
    values.api === undefined
      ? { host: '127.0.0.1', port: 8474 }
      : convertFlag('api', values.api, (t) => parseHostPort(t, { allowZero: true }), 'chaos');
  const fp = new FaultProxy();
  let where;
  try {
    where = await fp.listen(address);
  } catch (error) {
    io.stderr.write(`breakwater chaos proxy: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr.write(
    `breakwater chaos proxy: Toxiproxy control API on http://${where.address}:${where.port}/ (Ctrl-C stops)\n`,
  );
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener(
      'abort',
      () => {
        resolve();
      },
      { once: true },
    );
  });
  await fp.close();
  return 0;
}

/** `breakwater chaos proxy` and `breakwater chaos run` (src/chaos). */
export const chaos: Command = {
  name: 'chaos',
  summary: 'a Toxiproxy-compatible fault proxy, and experiments that check the breakers work',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const positional = args.filter((a, i) => !a.startsWith('-') && !flagValue(args, i));
    const values = parseFlags(
      args.filter((a, i) => a.startsWith('-') || flagValue(args, i)),
      flags,
      'chaos',
    );
    if (values.help) {
      io.stdout.write(usage);
      return 0;
    }
    const [sub, ...rest] = positional;
    if (sub === 'proxy') {
      if (rest[0] !== undefined)
        throw new UsageError(`unexpected argument ${quote(rest[0])}`, 'chaos');
      if (values.journal !== undefined || values.report !== undefined) {
        throw new UsageError('--journal and --report belong to chaos run', 'chaos');
      }
      return proxy(values, io);
    }
    if (sub === 'run') {
      if (values.api !== undefined) throw new UsageError('--api belongs to chaos proxy', 'chaos');
      const [file, extra] = rest;
      if (file === undefined) throw new UsageError('chaos run needs an experiment file', 'chaos');
      if (extra !== undefined) throw new UsageError(`unexpected argument ${quote(extra)}`, 'chaos');
      return chaosRun(file, { journal: values.journal, report: values.report }, io);
    }
    if (sub === undefined) throw new UsageError('a subcommand is needed: proxy or run', 'chaos');
    throw new UsageError(`unknown subcommand ${quote(sub)} (expected proxy or run)`, 'chaos');
  },
};

/** True when args[i] is the value of the string flag before it (`--journal out.json`). */
function flagValue(args: readonly string[], i: number): boolean {
  const before = args[i - 1];
  if (before === undefined || args[i]?.startsWith('-') === true) return false;
  const name = before.replace(/^--/, '');
  return before.startsWith('--') && !before.includes('=') && name in flags && name !== 'help';
}
