#!/usr/bin/env node
// Runs the CLI: the compiled dist/cli/main.js when the package is built (as installed from
// npm), else the TypeScript source through tsx, so `npx breakwater` works in a fresh checkout.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      'breakwater: dist/cli/main.js is missing and tsx is not installed: run `npm run build` or `npm ci`\n',
    );
    process.exit(1);
  }
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
