import { quote, suggest } from '../core/options.js';
import { commands } from './commands/index.js';
import type { CliIo, Command } from './io.js';
import { parseFlags } from './flags.js';
import { USAGE_EXIT_CODE, UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `breakwater ${packageVersion()}: circuit breakers and resilience policies for Node.js

Usage: breakwater <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}  show this help, or a command's: breakwater help <command>

Options:
  -h, --help     show this help (breakwater <command> --help shows a command's)
  -V, --version  print the version

Try: breakwater demo --duration 25s
`;
}

const globalFlags = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (command) return command;
  const hint = suggest(name, [...commands.map((c) => c.name), 'help']);
  throw new UsageError(`unknown command ${quote(name)}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

/**
 * Runs `breakwater` with `argv` (the arguments after the program name) and returns the exit
 * code: 0 success, 1 failure, 2 a mistake in the command line (the message names the option
 * and quotes the value). Never throws.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    // Options before the command belong to breakwater itself; the rest go to the command.
    const at = argv.findIndex((arg) => !arg.startsWith('-'));
    const own = at < 0 ? argv : argv.slice(0, at);
    const values = parseFlags(own, globalFlags, '');
    if (values.version) {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const name = at < 0 ? undefined : argv[at];
    if (values.help) {
      io.stdout.write(usage());
      return 0;
    }
    if (name === undefined) throw new UsageError('a command is needed');
    const rest = argv.slice(at + 1);
    if (name === 'help') {
      const [topic, extra] = rest;
      if (topic?.startsWith('-')) throw new UsageError(`unknown option ${topic}`);
      if (extra !== undefined) throw new UsageError(`unexpected argument ${quote(extra)}`);
      io.stdout.write(topic === undefined ? usage() : findCommand(topic).usage);
      return 0;
    }
    return await findCommand(name).run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const program = error.command ? `breakwater ${error.command}` : 'breakwater';
      io.stderr.write(`${program}: ${error.message}\nRun '${program} --help' for usage.\n`);
      return USAGE_EXIT_CODE;
    }
    io.stderr.write(
      `breakwater: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
