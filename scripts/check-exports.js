// After `npm run build`: imports every subpath of package.json's "exports" through the package's
// own name, as a user would, and runs the bin from dist. Fails on a missing or empty entry.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let failed = false;
for (const subpath of Object.keys(pkg.exports)) {
  const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
  try {
    const mod = await import(specifier);
    const names = Object.keys(mod);
    if (names.length === 0) throw new Error('exports nothing');
    console.log(`ok ${specifier} (${names.length} exports)`);
  } catch (error) {
    failed = true;
    console.error(`FAIL ${specifier}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const version = execFileSync(process.execPath, ['bin/breakwater.js', '--version'], {
  encoding: 'utf8',
}).trim();
console.log(`ok bin/breakwater.js --version: ${version}`);
if (failed) process.exit(1);
