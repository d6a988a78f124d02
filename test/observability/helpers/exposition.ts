// A strict parser of the Prometheus text exposition format (0.0.4), for asserting what a
// registry serves line by line. Anything it does not understand throws, naming the line.

/** One sample line. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition. */
export interface Exposition {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN' || text === 'Nan') return NaN;
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`bad value in line: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1);
  for (;;) {
    if (s.startsWith('}')) return { labels, rest: s.slice(1) };
    const m = LABEL.exec(s);
    if (!m) throw new Error(`bad label name in line: ${line}`);
    const key = m[0];
    s = s.slice(key.length);
    if (!s.startsWith('="')) throw new Error(`expected =" in line: ${line}`);
    s = s.slice(2);
    let value = '';
    for (;;) {
      const c = s[0];
      if (c === undefined) throw new Error(`unterminated label value in line: ${line}`);
      if (c === '"') break;
      if (c === '\\') {
        const e = s[1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`bad escape in line: ${line}`);
        s = s.slice(2);
      } else {
        value += c;
        s = s.slice(1);
      }
    }
    s = s.slice(1);
    if (key in labels) throw new Error(`duplicate label ${key} in line: ${line}`);
    labels[key] = value;
    if (s.startsWith(',')) s = s.slice(1);
    else if (!s.startsWith('}')) throw new Error(`expected , or } in line: ${line}`);
  }
}

/** Parses `text`; throws on any malformed line or a duplicated series. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { help: new Map(), type: new Map(), samples: [] };
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const [name, ...rest] = line.slice(7).split(' ');
      out.help.set(name ?? '', rest.join(' '));
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      out.type.set(name ?? '', type ?? '');
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = NAME.exec(line);
    if (!m) throw new Error(`bad metric name in line: ${line}`);
    const name = m[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    if (!rest.startsWith(' '))
      throw new Error(`expected a space before the value in line: ${line}`);
    const value = parseValue(rest.slice(1).trim(), line);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`duplicate series: ${line}`);
    seen.add(key);
    out.samples.push({ name, labels, value });
  }
  return out;
}

/** The samples named `name` whose labels include every pair of `where`. */
export function select(
  e: Exposition,
  name: string,
  where: Record<string, string> = {},
): ParsedSample[] {
  return e.samples.filter(
    (s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample named `name` matching `where`; throws unless exactly one. */
export function valueOf(e: Exposition, name: string, where: Record<string, string> = {}): number {
  const found = select(e, name, where);
  if (found.length !== 1) {
    throw new Error(`expected one ${name} ${JSON.stringify(where)}, found ${found.length}`);
  }
  return found[0]!.value;
}
