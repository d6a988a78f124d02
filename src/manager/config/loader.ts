import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { formatPath, type SettingsPath } from '../path.js';
import type { ManagerSettings } from '../types.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
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
 * Parses YAML or JSON text and checks the data with `check`. Syntax errors are reported first
 * (with line and column), and then nothing else; otherwise every mistake `check` found is
 * reported with its line, sorted by line. The manager's config files and other files of the
 * project (chaos experiments) are read with it.
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
  const counter = new LineCounter();
  let doc: Document | undefined;
  let raw: unknown;
  if (format === 'yaml') {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, merge: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const { line, col } = counter.linePos(e.pos[0]);
          return { path: `line ${line}, column ${col}`, message: e.message, line };
        }),
        file,
      );
    }
    raw = doc.toJS();
  } else {
    try {
      raw = JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError([jsonSyntaxIssue(error as Error, text)], file);
    }
  }
  const result = check(raw);
  if (result.ok) return result.value;
  // JSON is YAML: parsing it again only to find lines is done on the error path alone.
  doc ??= parseDocument(text, { lineCounter: counter });
  const located = result.issues.map((issue, order) => {
    const line = lineOf(doc, counter, issue.path);
    return { order, issue: { path: formatPath(issue.path), message: issue.message, line } };
  });
  located.sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.order - b.order);
  throw new ConfigError(
    located.map(({ issue }) =>
      issue.line === undefined ? { path: issue.path, message: issue.message } : issue,
    ),
    file,
  );
}

/**
 * Parses and checks config text. Syntax errors are reported first (with line and column), and
 * then nothing else; otherwise every schema and rule mistake is reported, sorted by line.
 *
 * @param file the file name, for the error message
 * @throws ConfigError listing every mistake
 */
export function parseConfig(text: string, format: ConfigFormat, file?: string): ManagerSettings {
  return parseDataText(
    text,
    format,
    (raw) => {
      const result = validateConfig(raw);
      return result.ok ? { ok: true, value: result.settings } : result;
    },
    file,
  );
}

/**
 * Reads and checks a config file; the format comes from the extension (`.yaml`, `.yml`,
 * `.json`).
 * @throws ConfigError for an unreadable file, a wrong extension, or any mistake in the file
 */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      [{ path: '(file)', message: `cannot read it: ${(error as Error).message}` }],
      file,
      { cause: error },
    );
  }
  return { settings: parseConfig(text, format, file), text };
}
