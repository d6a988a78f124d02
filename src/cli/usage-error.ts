import { nameErrorClass } from '../core/errors.js';
/** Exit code for a command line the CLI cannot use (unknown command, option or bad value). */
export const USAGE_EXIT_CODE = 2;

/**
 * A mistake in the command line. The CLI prints its message, points at `--help` and exits with
 * code 2. Messages name the option and quote the value, e.g. `--duration: "thirty" is not a
 * duration ...`.
 */
export class UsageError extends Error {
  /** The command whose usage applies (`'demo'`), or `''` for `breakwater` itself. */
  readonly command: string;

  constructor(message: string, command = '') {
    super(message);
    this.command = command;
  }
}
nameErrorClass(UsageError, 'UsageError');
