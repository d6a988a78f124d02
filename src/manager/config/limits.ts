import { CST, Lexer } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import type { ConfigFormat } from './loader.js';

/**
 * Largest config file read, in bytes (1 MiB). A file of ten thousand services fits; anything
 * larger is refused before it is parsed, so a hostile file cannot take the parser's time.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Deepest nesting of collections a config file may have (32). A real config is at most five
 * deep (`services.x.window.kind`); the YAML composer and the schema check recurse, so a file
 * nested tens of thousands deep would exhaust the stack (and abort the process from inside the
 * regular expression compiler). Depth is measured before parsing, on tokens.
 */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Alias expansions a YAML file may make (yaml's `maxAliasCount`, which weighs each expansion by
 * the aliases inside it): room for every service of a big file to share an anchor, none for a
 * billion-laughs file.
 */
export const MAX_CONFIG_ALIASES = 10_000;

/** Line and column (1-based) of an offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function tooDeep(text: string, offset: number): ConfigIssue {
  const { line, column } = position(text, offset);
  return {
    path: '(file)',
    message: `nested more than ${MAX_CONFIG_DEPTH} levels deep (line ${line}, column ${column}); a breakwater config is at most 5 deep`,
    line,
  };
}

/** Offset where JSON text first nests deeper than the limit, by brackets outside strings. */
function jsonTooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_CONFIG_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/**
 * Offset where YAML text first nests deeper than the limit. Counted on yaml's own lexer tokens
 * (which is iterative, so it survives any depth): open flow collections, plus the block
 * indentation levels of the line, plus the `-`, `?` and `:` indicators on it. This over-counts
 * a little (a `key: value` line counts one level for its `:`), never under-counts.
 */
function yamlTooDeep(text: string): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let onLine = 0;
  let lineStart = true;
  let indent = 0;
  let afterScalarMark = false;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    // The lexer's marks for documents, scalars and flow errors are not in the source.
    if (token !== CST.SCALAR && token !== CST.DOCUMENT && token !== CST.FLOW_END) {
      offset += token.length;
    }
    if (afterScalarMark) {
      // Scalar text (a block scalar's body too, newlines included): no structure inside.
      afterScalarMark = false;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      onLine = 0;
      continue;
    }
    if (type === 'space' && lineStart) {
      indent = token.length;
      continue;
    }
    if (type === 'scalar') afterScalarMark = true;
    if (lineStart && type !== 'space' && type !== 'comment') {
      lineStart = false;
      if (flow === 0) {
        while (indents.length > 0 && (indents.at(-1) ?? 0) >= indent) indents.pop();
        indents.push(indent);
      }
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    else if (
      flow === 0 &&
      (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind')
    ) {
      onLine++;
    } else continue;
    if (indents.length + onLine + flow > MAX_CONFIG_DEPTH) return at;
  }
  return undefined;
}

/**
 * Checks config text against {@link MAX_CONFIG_BYTES} and {@link MAX_CONFIG_DEPTH} before it
 * is parsed. @returns the issue, or undefined when the text is within bounds
 */
export function checkBounds(text: string, format: ConfigFormat): ConfigIssue | undefined {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) return tooLarge();
  const at = format === 'json' ? jsonTooDeep(text) : yamlTooDeep(text);
  return at === undefined ? undefined : tooDeep(text, at);
}

/** The issue for a file over {@link MAX_CONFIG_BYTES}. */
export function tooLarge(): ConfigIssue {
  return {
    path: '(file)',
    message: `larger than ${MAX_CONFIG_BYTES} bytes; a breakwater config is a few kilobytes`,
  };
}
