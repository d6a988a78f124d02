// `import 'breakwater'` loads the core and the policies and nothing from node_modules: zod and
// yaml come only when a config file is read. Checked on the built entry (compiled here with
// tsc, as `npm run build` does), imported in a child process that reports every package loaded.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = '.tmp/entry-imports-build';

before(() => {
  execFileSync(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
      '--outDir',
      out,
      '--declaration',
      'false',
      '--declarationMap',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: root, stdio: 'inherit', timeout: 240_000 },
  );
});

after(() => {
  rmSync(new URL(out, new URL(root, 'file://')), { recursive: true, force: true });
});

/** Packages from node_modules that a child process running `script` loads. */
function packagesOf(script: string): string[] {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      './test/manager/fixtures/register-node-modules.js',
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: root, encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /^done$/m);
  const seen = child.stderr
    .split('\n')
    .filter((line) => line.startsWith('package '))
    .map((line) => line.slice('package '.length));
  return [...new Set(seen)].sort();
}

describe("import 'breakwater' (the built entry)", { timeout: 300_000 }, () => {
  it('loads nothing from node_modules, even using a manager and the policies', () => {
    const seen = packagesOf(
      `const bw = await import('./${out}/index.js');` +
        'const m = new bw.CircuitBreakerManager({ services: { a: {} } });' +
        "await m.execute('a', () => 1);" +
        'await bw.wrap(bw.retry({ backoff: 0 }), bw.timeout({ ms: 1000 })).execute(() => 2);' +
        "m.close(); console.log('done');",
    );
    assert.deepEqual(seen, []);
  });

  it('loads zod and yaml once a config file is read', () => {
    const seen = packagesOf(
      `const bw = await import('./${out}/index.js');` +
        "const m = await bw.CircuitBreakerManager.fromFile('examples/config/breakwater.yaml');" +
        "m.close(); console.log('done');",
    );
    assert.deepEqual(seen, ['yaml', 'zod']);
  });
});
