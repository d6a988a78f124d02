import { writeFile } from 'node:fs/promises';
import { quote } from '../../core/options.js';
import { ConfigError } from '../../manager/config/config-error.js';
import { loadConfigFile } from '../../manager/config/loader.js';
import type { ManagerSettings } from '../../manager/types.js';
import { TraceError } from '../../tuner/errors.js';
import { formatTunings, tuningsJson } from '../../tuner/format.js';
import { predictSettings, shippedPredictor } from '../../tuner/predictor.js';
import { readTraceFile, splitTrace } from '../../tuner/trace.js';
import { tuneTrace } from '../../tuner/tune.js';
import { convertFlag, parseFlags } from '../flags.js';
import type { CliIo, Command, OutputStream } from '../io.js';
import { UsageError, USAGE_EXIT_CODE } from '../usage-error.js';
import { tuneReport } from './tune-report.js';

const flags = {
  config: { type: 'string' },
  seed: { type: 'string' },
  budget: { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  predict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const usage = `Usage: breakwater tune TRACE [options]

Replays a recorded call trace through breaker settings and recommends, per service, the
settings that would have cost least: cost = successes the breaker would have rejected +
failures it would have let through + successes cut by callTimeout. The replay runs the real
CircuitBreaker on a simulated clock and assumes a rejected call would have had its recorded
outcome (the breaker does not change the dependency). Settings are searched with a Gaussian
process (expected improvement), seeded: the same seed gives the same answer.

TRACE is JSONL, one call a line: {"time": ms, "service": "...", "duration": ms,
"outcome": "success" | "failure" | "excluded"} (other keys are ignored; any order).

Options:
  --config <file>    the current settings: a manager config file (.yaml, .yml, .json);
                     services it does not list get its defaults (default: breaker defaults)
  --seed <n>         seed of the search, an integer (default 1)
  --budget <n>       settings replayed per service, 1..1000 (default 100)
  --json             print {"services": {"<name>": {"recommended": {...}, "cost":
                     {"current": n, "recommended": n}}}} instead of the text report
  --report <file>    also write a self-contained HTML report (timeline, states, costs)
  --predict          no search: the settings the shipped model predicts from the trace's
                     rate, latency, baseline errors and outages (the search starts from them
                     otherwise)
  -h, --help         show this help

Exit codes: 0 done, 2 a bad command line, trace or config file (the message names the line).

Examples:
  breakwater tune trace.jsonl
  breakwater tune trace.jsonl --config breakwater.yaml --json
  breakwater tune trace.jsonl --report tuning.html
`;

function integer(min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) {
      throw new RangeError(`must be a whole number from ${min} to ${max}, got ${quote(text)}`);
    }
    return n;
  };
}

/** A progress bar on a terminal; nothing otherwise. Returns the update and the finish functions. */
function progress(stream: OutputStream, services: readonly string[]) {
  if (stream.isTTY !== true) return { update: () => undefined, done: () => undefined };
  const width = 30;
  let last = '';
  return {
    update(service: number, done: number, budget: number): void {
      const share = (service + done / budget) / services.length;
      const filled = Math.round(share * width);
      const line = `\rtuning ${services[service] ?? ''} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}%`;
      if (line !== last) stream.write(line);
      last = line;
    },
    done(): void {
      stream.write(`\r${' '.repeat(last.length)}\r`);
    },
  };
}

/**
 * `breakwater tune TRACE`: reads the trace (and `--config`), tunes every service
 * (src/tuner/tune.ts) and prints the text report or `--json`; `--report` writes the HTML page.
 * A malformed trace line, an empty trace, a missing file or a bad config file exit 2 with a
 * message and no stack trace.
 */
export const tune: Command = {
  name: 'tune',
  summary: 'recommend breaker settings by replaying a recorded call trace',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const positionals: string[] = [];
    const values = parseFlags(args, flags, 'tune', positionals);
    if (values.help) {
      io.stdout.write(usage);
      return 0;
    }
    const [file, extra] = positionals;
    if (file === undefined) throw new UsageError('a TRACE file is needed', 'tune');
    if (extra !== undefined) throw new UsageError(`unexpected argument ${quote(extra)}`, 'tune');
    const seed =
      values.seed === undefined
        ? 1
        : convertFlag('seed', values.seed, integer(0, 2 ** 32 - 1), 'tune');
    const budget =
      values.budget === undefined
        ? 100
        : convertFlag('budget', values.budget, integer(1, 1000), 'tune');
    let settings: ManagerSettings | undefined;
    try {
      if (values.config !== undefined) settings = (await loadConfigFile(values.config)).settings;
      const trace = splitTrace(await readTraceFile(file));
      const bar = progress(
        io.stderr,
        trace.services.map((s) => s.service),
      );
      const tunings = tuneTrace(trace, {
        seed,
        budget: values.predict ? 0 : budget,
        start: (service, callTimeout) => predictSettings(service, shippedPredictor(), callTimeout),
        ...(settings ? { settings } : {}),
        onProgress: (service, done, total) => {
          bar.update(service, done, total);
        },
      });
      bar.done();
      io.stdout.write(values.json ? tuningsJson(tunings) : formatTunings(tunings));
      if (values.report !== undefined) {
        await writeFile(values.report, tuneReport(file, trace.services, tunings));
        if (!values.json) io.stdout.write(`report: ${values.report}\n`);
      }
      return 0;
    } catch (error) {
      if (error instanceof TraceError || error instanceof ConfigError) {
        io.stderr.write(`breakwater tune: ${error.message}\n`);
        return USAGE_EXIT_CODE;
      }
      throw error;
    }
  },
};
