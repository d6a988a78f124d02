// Checks the package as npm would publish it: packs the tarball (`npm pack`) into a temporary
// folder and runs publint and @arethetypeswrong/cli on it. attw runs with the esm-only profile:
// breakwater is ESM, and CommonJS callers reach it through Node's require(esm) (Node >= 20.19),
// which TypeScript's node16 CJS resolution does not model. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('check-package: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'breakwater-pack-'));
try {
  execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: root,
    stdio: 'ignore',
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  const path = join(dir, tarball);
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  execFileSync(bin('publint'), ['run', '--strict', path], { cwd: root, stdio: 'inherit' });
  execFileSync(bin('attw'), ['--profile', 'esm-only', path], { cwd: root, stdio: 'inherit' });
  console.log(`check-package: ${tarball} passes publint and attw (esm-only)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
