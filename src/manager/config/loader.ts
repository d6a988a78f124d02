import { extname } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { formatPath, type SettingsPath } from '../path.js';
import type { ManagerSettings } from '../types.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { jsonLines } from './json-lines.js';
import { checkBounds, MAX_CONFIG_ALIASES } from './limits.js';
import { readConfigText } from './read.js';
import { validateConfig, type RawIssue } from './schema.js';

/** The formats a config can be written in. */
export type ConfigFormat = 'yaml' | 'json';

/** A config file, read and checked. */
export interface LoadedConfig {
  settings: ManagerSettings;
  /** The file's text, to tell a real change from a touch. */
  text: string;
}

/** The format a file name implies: `.yaml` / `.yml` or `.json`; undefined for anything else. */
export function formatOf(file: string): ConfigFormat | undefined {
  const ext = extname(file).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? 'yaml' : ext === '.json' ? 'json' : undefined;
}

/** 1-based line of a path in a YAML document (the nearest enclosing node that exists). */
function lineOf(doc: Document, counter: LineCounter, path: SettingsPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as
      { range?: [number, number, number] } | null | undefined;
    const start = node?.range?.[0];
    if (start !== undefined) return counter.linePos(start).line;
  }
  return undefined;
}

/** JSON.parse's message without the echoed source, and the line/column it points at. */
function jsonSyntaxIssue(error: Error, text: string): ConfigIssue {
  let message = error.message.replace(/, ".*" is not valid JSON$/s, '');
  const at = / in JSON at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
  if (!at) return { path: '(syntax)', message };
  message = message.slice(0, at.index);
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return { path: `line ${line}, column ${column}`, message, line };
}

/** What a checker of parsed file data returns: the value, or every mistake by its path. */
export type DataCheck<T> = { ok: true; value: T } | { ok: false; issues: RawIssue[] };

/**
 * Parses YAML or JSON text and checks the data with `check`. Text over {@link MAX_CONFIG_BYTES}
 * or nested deeper than {@link MAX_CONFIG_DEPTH} is refused before it is parsed; a leading byte
 * order mark is skipped in both formats. Syntax errors are reported first (with line and
 * column), and then nothing else; otherwise every mistake `check` found is reported with its
 * line, sorted by line. The manager's config files and the chaos experiment files are read
 * with it.
 *
 * @param file the file name, for the error message
 * @throws ConfigError listing every mistake
 */
export function parseDataText<T>(
  text: string,
  format: ConfigFormat,
  check: (raw: unknown) => DataCheck<T>,
  file?: string,
): T {
  // Editors on Windows save UTF-8 with a BOM; YAML skips it, JSON.parse would not.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const bounds = checkBounds(source, format);
  if (bounds !== undefined) throw new ConfigError([bounds], file);
  const counter = new LineCounter();
  let doc: Document | undefined;
  let raw: unknown;
  if (format === 'yaml') {
    doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, merge: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const { line, col } = counter.linePos(e.pos[0]);
          return { path: `line ${line}, column ${col}`, message: e.message, line };
        }),
        file,
      );
    }
    try {
      raw = doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
    } catch (error) {
      // yaml's guard against billion-laughs files (and any other failure to build the data).
      const message = (error as Error).message;
      throw new ConfigError(
        [
          /alias/i.test(message)
            ? {
                path: '(file)',
                message: `too many aliases: more than ${MAX_CONFIG_ALIASES} expansions (${message})`,
              }
            : { path: '(file)', message },
        ],
        file,
        { cause: error },
      );
    }
  } else {
    try {
      raw = JSON.parse(source) as unknown;
    } catch (error) {
      throw new ConfigError([jsonSyntaxIssue(error as Error, source)], file);
    }
  }
  const result = check(raw);
  if (result.ok) return result.value;
  const lines =
    doc === undefined
      ? jsonLines(
          source,
          result.issues.map((issue) => issue.path),
        )
      : result.issues.map((issue) => lineOf(doc, counter, issue.path));
  const located = result.issues.map((issue, order) => ({
    order,
    issue: { path: formatPath(issue.path), message: issue.message, line: lines[order] },
  }));
  located.sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.order - b.order);
  throw new ConfigError(
    located.map(({ issue }) =>
      issue.line === undefined ? { path: issue.path, message: issue.message } : issue,
    ),
    file,
  );
}

function checkConfig(raw: unknown): DataCheck<ManagerSettings> {
  const result = validateConfig(raw);
  return result.ok ? { ok: true, value: result.settings } : result;
}

/**
 * Parses and checks config text (see {@link parseDataText} for the limits and the order of the
 * errors).
 *
 * @param file the file name, for the error message
 * @throws ConfigError listing every mistake
 */
export function parseConfig(text: string, format: ConfigFormat, file?: string): ManagerSettings {
  return parseDataText(text, format, checkConfig, file);
}

/**
 * Reads a YAML or JSON file (the format from its extension: `.yaml`, `.yml`, `.json`) once its
 * text is stable, and checks its data with `check` (see {@link parseDataText}). Config files
 * and chaos experiment files are read with it.
 * @throws ConfigError for an unreadable file, a wrong extension, or any mistake in the file
 */
export async function loadDataFile<T>(
  file: string,
  check: (raw: unknown) => DataCheck<T>,
): Promise<{ value: T; text: string }> {
  const format = formatOf(file);
  if (format === undefined) {
    throw new ConfigError(
      [
        {
          path: '(file)',
          message: `expected a .yaml, .yml or .json file, got ${JSON.stringify(file)}`,
        },
      ],
      file,
    );
  }
  const text = await readConfigText(file);
  return { value: parseDataText(text, format, check, file), text };
}

/**
 * Reads and checks a config file; the format comes from the extension (`.yaml`, `.yml`,
 * `.json`).
 * @throws ConfigError for an unreadable file, a wrong extension, or any mistake in the file
 */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const { value, text } = await loadDataFile(file, checkConfig);
  return { settings: value, text };
}
