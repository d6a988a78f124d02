// The config loader (zod, yaml) is imported only when a config file is read, so that importing
// the manager (and the package's main entry) stays cheap for programs that never read one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Bare specifiers imported by a child process that runs `script`. */
function importsOf(script: string): string[] {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      './test/manager/fixtures/register-trace.js',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: root, encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /^done$/m);
  return child.stderr
    .split('\n')
    .filter((line) => line.startsWith('import '))
    .map((line) => line.slice('import '.length));
}

describe('lazy loading of the config loader', () => {
  it('using the manager from code imports neither zod nor yaml', () => {
    const seen = importsOf(
      "const { CircuitBreakerManager } = await import('./src/manager/index.ts');" +
        'const m = new CircuitBreakerManager({ services: { a: {} } });' +
        "await m.execute('a', () => 1); console.log('done');",
    );
    assert.equal(seen.includes('zod'), false, seen.join(', '));
    assert.equal(seen.includes('yaml'), false, seen.join(', '));
  });

  it('fromFile imports them when it reads the file', () => {
    const seen = importsOf(
      "const { CircuitBreakerManager } = await import('./src/manager/index.ts');" +
        "const m = await CircuitBreakerManager.fromFile('examples/config/breakwater.yaml');" +
        "m.close(); console.log('done');",
    );
    assert.equal(seen.includes('zod'), true, seen.join(', '));
    assert.equal(seen.includes('yaml'), true, seen.join(', '));
  });
});
