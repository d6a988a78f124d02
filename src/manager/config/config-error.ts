import { nameErrorClass } from '../../core/errors.js';
import { ManagerErrorCodes } from '../errors.js';

/** One mistake in a config file. */
export interface ConfigIssue {
  /** Where: `services.payments.timeout`, `(root)`, `(file)` or `line 3, column 7`. */
  path: string;
  /** What is wrong, quoting the bad value: `expected a duration like "30s", got "thirty"`. */
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

/**
 * A config file (or config text) that cannot be used, with every mistake found in it: the file
 * is checked as a whole, so one run of the loader reports them all, and nothing is applied.
 * Each issue reads `path: message`.
 */
export class ConfigError extends Error {
  /** `'ERR_BREAKWATER_CONFIG'`. */
  readonly code = ManagerErrorCodes.config;
  /** The file, when the config came from one. */
  readonly file: string | undefined;
  /** Every mistake, in the order they appear in the file. */
  readonly issues: readonly ConfigIssue[];

  /**
   * @param issues at least one
   * @param file the file's path, shown in the message
   */
  constructor(issues: readonly ConfigIssue[], file?: string, options?: ErrorOptions) {
    const count = issues.length === 1 ? '1 error' : `${issues.length} errors`;
    const where = file === undefined ? 'breakwater config' : `breakwater config ${file}`;
    const lines = issues.map((i) => `\n  ${i.path}: ${i.message}`).join('');
    super(`invalid ${where} (${count}):${lines}`, options);
    this.file = file;
    this.issues = issues;
  }

  /** The issues as `path: message` lines. */
  get lines(): string[] {
    return this.issues.map((i) => `${i.path}: ${i.message}`);
  }
}
nameErrorClass(ConfigError, 'ConfigError');
