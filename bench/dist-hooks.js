// Module resolve hook behind `npm run bench -- --dist`: every import that resolves into src/
// (the benches import `../src/index.js` and friends) is served from the build in dist/ instead,
// so that an optimisation is judged on the JavaScript users run, not on tsx's transform of it.
// Registered by use-dist.js (`--import ./bench/use-dist.js`), after tsx, so tsx still resolves
// the bench files themselves.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = new URL('../src/', import.meta.url).href;
const dist = new URL('../dist/', import.meta.url).href;

/**
 * @param {string} specifier
 * @param {object} context
 * @param {(specifier: string, context: object) => Promise<{ url: string, format?: string }>} next
 */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!resolved.url.startsWith(src)) return resolved;
  const url = dist + resolved.url.slice(src.length).replace(/\.ts$/, '.js');
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`bench --dist: ${fileURLToPath(url)} does not exist: run \`npm run build\``);
  }
  return { ...resolved, url, format: 'module', shortCircuit: true };
}
