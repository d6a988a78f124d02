/** Where a command writes: `process.stdout` / `process.stderr`, or a buffer in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (colours and live output make sense). */
  readonly isTTY?: boolean | undefined;
  /** The terminal's width in columns, when it is one. */
  readonly columns?: number | undefined;
}

/**
 * Everything a command may use from its process, passed in so that commands run the same in a
 * test as under `main.ts` (the only file that touches `process`).
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Environment variables (`NO_COLOR`, `FORCE_COLOR`, `TERM`, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C / SIGTERM: a long-running command stops cleanly and returns. */
  signal: AbortSignal;
}

/** A subcommand of `breakwater`. */
export interface Command {
  /** What the user types: `breakwater <name>`. */
  readonly name: string;
  /** One line for `breakwater --help`. */
  readonly summary: string;
  /** The full text of `breakwater <name> --help`, ending with a newline. */
  readonly usage: string;
  /**
   * Runs the command with the arguments after its name.
   * @returns the exit code (0 success, 1 failure; usage errors are thrown as UsageError)
   * @throws UsageError for unknown options and bad values (the CLI exits with code 2)
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
