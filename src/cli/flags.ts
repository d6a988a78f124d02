import { parseArgs } from 'node:util';
import { quote, suggest } from '../core/options.js';
import { UsageError } from './usage-error.js';

/** One option of a command. */
export interface FlagSpec {
  /** `'boolean'` flags take no value; `'string'` ones take exactly one. */
  type: 'boolean' | 'string';
  /** One-letter alias, e.g. `'h'` for `-h`. */
  short?: string;
}

/** Parsed values: booleans for boolean flags, the raw text for string ones; absent when not given. */
export type FlagValues<S extends Record<string, FlagSpec>> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string;
};

/**
 * Parses `args` with `node:util` `parseArgs`, but reports every mistake as a UsageError that
 * names the option (with a "did you mean" hint for typos) and quotes the value, instead of
 * parseArgs' own messages. Positional arguments are refused, unless `positionals` is given:
 * then they are pushed onto it in order (the command checks how many it takes).
 * A repeated option keeps its last value, as most CLIs do.
 *
 * @param command the command name used in messages (`'demo'`)
 * @throws UsageError
 */
export function parseFlags<S extends Record<string, FlagSpec>>(
  args: readonly string[],
  spec: S,
  command: string,
  positionals?: string[],
): FlagValues<S> {
  const { tokens } = parseArgs({
    args: [...args],
    options: spec,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const names = Object.keys(spec);
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (positionals) {
        positionals.push(token.value);
        continue;
      }
      throw new UsageError(`unexpected argument ${quote(token.value)}`, command);
    }
    const flag = spec[token.name];
    if (!flag) {
      const hint = token.rawName.startsWith('--') ? suggest(token.name, names) : undefined;
      throw new UsageError(
        `unknown option ${token.rawName}${hint ? ` (did you mean --${hint}?)` : ''}`,
        command,
      );
    }
    if (flag.type === 'boolean') {
      if (token.value !== undefined) {
        throw new UsageError(
          `option --${token.name} takes no value, got ${quote(token.value)}`,
          command,
        );
      }
      values[token.name] = true;
      continue;
    }
    // Without `=`, parseArgs takes the next argument as the value even when it is an option.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new UsageError(`option --${token.name} needs a value`, command);
    }
    values[token.name] = token.value;
  }
  return values as FlagValues<S>;
}

/**
 * Converts a flag's raw text with `parse`, turning its error into a UsageError that names the
 * flag: `--duration: "thirty" is not a duration ...`.
 */
export function convertFlag<T>(
  flag: string,
  raw: string,
  parse: (text: string) => T,
  command: string,
): T {
  try {
    return parse(raw);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError(`--${flag}: ${detail}`, command);
  }
}
