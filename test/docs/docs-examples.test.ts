// Every code example of the guides in docs/ is a file in examples/docs/: the guide's block must be
// that file (with the package's own specifiers in place of the relative imports the repository
// needs), and the file must run and print exactly the guide's "Output:" block. So neither can
// drift from the other, and none of them can stop working unnoticed. Examples that talk to
// PostgreSQL or RabbitMQ run against the machine's servers, and are skipped when those are
// unreachable (unless REQUIRE_SERVICES=1, as in CI). The tables of the guides are checked
// against the names the code defines, so a new config key or metric cannot go undocumented.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { OPTION_KEYS, TOP_KEYS } from '../../src/manager/config/schema.js';
import { alertNames } from '../../src/observability/alerts/alert.js';
import { configParams, metricNames } from '../../src/observability/metric-names.js';
import { skipUnless } from '../fixtures/services.js';
import { CHILD_LIMIT_MS } from '../fixtures/limits.js';

const root = new URL('../../', import.meta.url);
const run = promisify(execFile);

interface Exports {
  exports: Record<string, { default: string }>;
}

/**
 * The repository's relative imports, as a user of the package writes them: one pair per entry of
 * package.json's `exports` (`./dist/observability/prometheus/index.js` is
 * `'../../src/observability/prometheus/index.js'` here and `'breakwater/prometheus'` there).
 */
const SPECIFIERS: [repo: string, published: string][] = Object.entries(
  (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Exports).exports,
).map(([key, target]) => [
  `'../../src/${target.default.replace(/^\.\/dist\//, '')}'`,
  key === '.' ? "'breakwater'" : `'breakwater/${key.slice(2)}'`,
]);

interface Example {
  doc: string;
  file: string;
  code: string;
  output: string | undefined;
}

// <!-- example: examples/docs/x.ts --> then a ```ts block, then optionally "Output:" and a
// ```text block. (Prettier puts a blank line after the comment.)
const EXAMPLE =
  /<!-- example: (examples\/docs\/[\w.-]+) -->\n+```ts\n([\s\S]*?)\n```\n(?:\nOutput:\n\n```text\n([\s\S]*?)\n```\n)?/g;
// <!-- file: path --> then a block of any language that must be that file.
const FILE = /<!-- file: ([\w./-]+) -->\n+```\w+\n([\s\S]*?)\n```\n/g;

const docs = readdirSync(new URL('docs/', root))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({ name: `docs/${f}`, text: readFileSync(new URL(`docs/${f}`, root), 'utf8') }));

const examples: Example[] = docs.flatMap((doc) =>
  [...doc.text.matchAll(EXAMPLE)].map((m) => ({
    doc: doc.name,
    file: m[1] ?? '',
    code: m[2] ?? '',
    output: m[3],
  })),
);

/** Formatting is Prettier's business (a shorter specifier may join lines): compare code. */
async function canonical(code: string): Promise<string> {
  const options = await resolveConfig(new URL('examples/docs/x.ts', root));
  return format(code, { ...options, parser: 'typescript' });
}

/** The service an example needs, from what it imports, with its port. */
function serviceOf(source: string): { name: string; port: number } | undefined {
  if (/from 'pg'/.test(source)) return { name: 'PostgreSQL', port: 5432 };
  if (/from 'amqplib'/.test(source)) return { name: 'RabbitMQ', port: 5672 };
  return undefined;
}

describe('docs examples', () => {
  it('cover every file in examples/docs/, each once, and every ts block is one', () => {
    const files = readdirSync(new URL('examples/docs/', root))
      .map((f) => `examples/docs/${f}`)
      .sort();
    assert.deepEqual(examples.map((e) => e.file).sort(), files);
    for (const doc of docs) {
      const blocks = doc.text.match(/^```ts$/gm)?.length ?? 0;
      const parsed = examples.filter((e) => e.doc === doc.name).length;
      assert.equal(parsed, blocks, `${doc.name}: every ts block follows an example marker`);
      const markers = doc.text.match(/<!-- example:/g)?.length ?? 0;
      assert.equal(markers, parsed, `${doc.name}: every marker parsed`);
    }
  });

  it('quote the files they say they quote', () => {
    let quoted = 0;
    for (const doc of docs) {
      for (const m of doc.text.matchAll(FILE)) {
        const file = m[1] ?? '';
        const content = readFileSync(new URL(file, root), 'utf8').trimEnd();
        assert.equal(m[2], content, `${doc.name} quotes ${file} as it is`);
        quoted++;
      }
      const markers = doc.text.match(/<!-- file:/g)?.length ?? 0;
      assert.equal(markers, [...doc.text.matchAll(FILE)].length, `${doc.name}: file markers`);
    }
    assert.equal(quoted > 0, true, 'at least one file is quoted');
  });

  describe('each example', { concurrency: 4 }, () => {
    for (const example of examples) {
      it(`${example.file} is the code shown in ${example.doc}`, async () => {
        let published = readFileSync(new URL(example.file, root), 'utf8');
        for (const [repo, name] of SPECIFIERS) published = published.replaceAll(repo, name);
        assert.doesNotMatch(published, /\.\.\/src\//, 'only the package entry points are imported');
        assert.equal(await canonical(example.code), await canonical(published));
      });

      it(`${example.file} runs${example.output === undefined ? '' : ' and prints the output shown'}`, async (t) => {
        const source = readFileSync(new URL(example.file, root), 'utf8');
        const service = serviceOf(source);
        if (service) {
          const skip = await skipUnless(service.name, service.port);
          if (skip !== false) {
            t.skip(skip);
            return;
          }
        }
        const { NODE_TEST_CONTEXT: _, ...env } = process.env;
        const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', example.file], {
          cwd: root,
          env,
          timeout: CHILD_LIMIT_MS,
        });
        assert.equal(stderr, '', 'no warning nor error output');
        if (example.output !== undefined) assert.equal(stdout, `${example.output}\n`);
      });
    }
  });
});

/** The first cells of the table rows of `text`: `` | `name` | ... `` gives `name`. */
function rowKeys(text: string): Set<string> {
  return new Set([...text.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1] ?? ''));
}

/** The section of `text` from the heading `title` to the next heading of the same level. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n${title}\n`);
  assert.notEqual(start, -1, `heading ${title} exists`);
  const level = /^#+/.exec(title)?.[0] ?? '#';
  const next = text.indexOf(`\n${level} `, start + title.length + 2);
  return text.slice(start, next === -1 ? undefined : next);
}

const read = (name: string): string => docs.find((d) => d.name === name)?.text ?? '';

describe('docs tables', () => {
  it('manager.md lists every key a config file takes', () => {
    const keys = rowKeys(section(read('docs/manager.md'), '### Every key'));
    for (const key of [...TOP_KEYS, ...OPTION_KEYS, 'dependsOn']) {
      assert.equal(keys.has(key), true, `config key ${key} has a row`);
    }
  });

  it('observability.md lists every Prometheus series and config param', () => {
    const text = read('docs/observability.md');
    const keys = rowKeys(section(text, '## Prometheus'));
    for (const name of Object.values(metricNames)) {
      assert.equal(keys.has(name), true, `series ${name} has a row`);
    }
    for (const param of Object.values(configParams)) {
      assert.equal(keys.has(param), true, `config param ${param} has a row`);
    }
  });

  it('observability.md names every alert the code and deploy/prometheus raise', () => {
    const text = read('docs/observability.md');
    const rules = readFileSync(new URL('deploy/prometheus/alerts.yml', root), 'utf8');
    const inRules = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1] ?? '');
    assert.equal(inRules.length > 0, true, 'alerts.yml has alerts');
    for (const name of [...Object.values(alertNames), ...inRules]) {
      assert.equal(text.includes(`\`${name}\``), true, `alert ${name} is documented`);
    }
  });
});
