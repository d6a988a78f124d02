// `require('breakwater')` from CommonJS: the package is ESM, and Node.js >= 20.19 loads ES
// modules from require() (no top-level await allowed anywhere in the graph). This builds the
// package into a throwaway node_modules/breakwater (inside this repository's node_modules, so
// that its dependencies and optional peers resolve) and requires every subpath export from a
// CommonJS child process by the package's name, as a user's project would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const project = join(root, 'node_modules', '.cache', `breakwater-require-${process.pid}`);
const pkgDir = join(project, 'node_modules', 'breakwater');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
const subpaths = Object.keys(pkg.exports).map((k) =>
  k === '.' ? 'breakwater' : `breakwater${k.slice(1)}`,
);

describe('require() of the built package (CommonJS, Node >= 20.19)', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(pkgDir, { recursive: true });
    copyFileSync(join(root, 'package.json'), join(pkgDir, 'package.json'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', join(pkgDir, 'dist')],
      {
        cwd: root,
      },
    );
  });
  after(() => {
    rmSync(project, { recursive: true, force: true });
  });

  it('requires every subpath export by name and gets its exports', async () => {
    // A .cjs file: CommonJS whatever the nearest package.json says.
    const script = join(project, 'require-all.cjs');
    const source = [
      `const out = {};`,
      `for (const name of ${JSON.stringify(subpaths)}) {`,
      `  const mod = require(name);`,
      `  out[name] = Object.keys(mod).filter((k) => k !== '__esModule' && k !== 'module.exports').sort();`,
      `}`,
      `const { CircuitBreaker } = require('breakwater');`,
      `const b = new CircuitBreaker({ name: 'cjs' });`,
      `b.execute(async () => 42).then((v) => {`,
      `  console.log(JSON.stringify({ out, value: v, state: b.state }));`,
      `});`,
    ].join('\n');
    writeFileSync(script, source);
    const { stdout, stderr } = await run(process.execPath, [script], { cwd: project });
    assert.doesNotMatch(stderr, /Error/);
    const result = JSON.parse(stdout) as {
      out: Record<string, string[]>;
      value: number;
      state: string;
    };
    assert.deepEqual(Object.keys(result.out).sort(), [...subpaths].sort());
    for (const name of subpaths) {
      assert.ok(result.out[name]!.length > 0, `${name} exported nothing through require()`);
    }
    assert.ok(result.out.breakwater!.includes('CircuitBreaker'));
    assert.ok(result.out['breakwater/testing']!.includes('ManualClock'));
    assert.equal(result.value, 42);
    assert.equal(result.state, 'closed');
  });
});
