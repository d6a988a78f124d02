import { BreakerError, nameErrorClass } from '../core/errors.js';

/** Stable codes of the tuner's errors. */
export const TunerErrorCodes = {
  trace: 'ERR_TRACE_INVALID',
} as const;

/**
 * A trace that cannot be used: a malformed line (`line` is its 1-based number), an empty trace,
 * or a file that cannot be read (`line` undefined). `breakwater tune` exits 2 with its message.
 */
export class TraceError extends BreakerError {
  /** 1-based line number of the bad record, when one is to blame. */
  readonly line: number | undefined;
  /** The file, when the trace came from one. */
  readonly file: string | undefined;

  constructor(
    message: string,
    where: { line?: number; file?: string } = {},
    options?: ErrorOptions,
  ) {
    const prefix = [where.file, where.line === undefined ? undefined : `line ${where.line}`]
      .filter((x) => x !== undefined)
      .join(': ');
    super(prefix ? `${prefix}: ${message}` : message, TunerErrorCodes.trace, '', options);
    this.line = where.line;
    this.file = where.file;
  }
}
nameErrorClass(TraceError, 'TraceError');
