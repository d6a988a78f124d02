// Every code example of README.md is a file in examples/readme/: the README block must be that
// file (with the package's own specifiers in place of the relative imports the repository
// needs), and the file must run and print exactly the README's "Output:" block. So neither
// can drift from the other, and none of them can stop working unnoticed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { format } from 'prettier';
import { CHILD_LIMIT_MS } from '../fixtures/limits.js';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const run = promisify(execFile);

/** The repository's relative imports, as a user of the package writes them. */
const SPECIFIERS: [repo: string, published: string][] = [
  ["'../../src/index.js'", "'breakwater'"],
  ["'../../src/testing/index.js'", "'breakwater/testing'"],
];

interface Example {
  file: string;
  code: string;
  output: string | undefined;
}

// <!-- example: examples/readme/x.ts --> then a ```ts block, then optionally "Output:" and a
// ```text block. (Prettier puts a blank line after the comment.)
const EXAMPLE =
  /<!-- example: (examples\/readme\/[\w.-]+) -->\n+```ts\n([\s\S]*?)\n```\n(?:\nOutput:\n\n```text\n([\s\S]*?)\n```\n)?/g;

const examples: Example[] = [...readme.matchAll(EXAMPLE)].map((m) => ({
  file: m[1] ?? '',
  code: m[2] ?? '',
  output: m[3],
}));

/** Formatting is Prettier's business (a shorter specifier may join lines): compare code. */
function canonical(code: string): Promise<string> {
  return format(code, { parser: 'typescript', singleQuote: true, printWidth: 100 });
}

describe('README examples', { concurrency: true }, () => {
  it('cover every file in examples/readme/, each once', () => {
    const files = readdirSync(new URL('examples/readme/', root))
      .map((f) => `examples/readme/${f}`)
      .sort();
    assert.deepEqual(examples.map((e) => e.file).sort(), files);
    assert.equal(readme.match(/<!-- example:/g)?.length, examples.length, 'every marker parsed');
  });

  for (const example of examples) {
    it(`${example.file} is the README's code`, async () => {
      let published = readFileSync(new URL(example.file, root), 'utf8');
      for (const [repo, name] of SPECIFIERS) published = published.replaceAll(repo, name);
      assert.doesNotMatch(published, /\.\.\/src\//, 'only the package entry points are imported');
      assert.equal(await canonical(example.code), await canonical(published));
    });

    it(`${example.file} runs${example.output === undefined ? ' its tests' : ' and prints the README output'}`, async () => {
      const isTest = example.file.endsWith('.test.ts');
      const args = ['--import', 'tsx', ...(isTest ? ['--test', '--test-reporter=tap'] : [])];
      // Unset, or the child test runner would report to this one instead of printing.
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      const { stdout, stderr } = await run(process.execPath, [...args, example.file], {
        cwd: root,
        env,
        timeout: CHILD_LIMIT_MS,
      });
      if (isTest) {
        assert.match(stdout, /^# fail 0$/m);
        assert.match(stdout, /^# pass [1-9]\d*$/m);
      } else {
        assert.equal(stderr, '');
        assert.equal(stdout, `${example.output ?? ''}\n`);
      }
    });
  }
});

it('README gives the two set-up commands', () => {
  assert.match(readme, /^npm ci && npm start {3}# the demo/m);
  assert.match(readme, /^npm ci && npm test {4}# the tests$/m);
});
