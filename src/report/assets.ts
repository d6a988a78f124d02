import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The chart library's script and stylesheet, as text to inline into a page. */
export interface ChartAssets {
  /** uPlot's IIFE build (defines the global `uPlot`). */
  readonly script: string;
  readonly style: string;
  /** The version from uPlot's package.json, shown in the page footer. */
  readonly version: string;
}

let cached: ChartAssets | undefined;

/**
 * Reads uPlot from node_modules (it is a runtime dependency of breakwater) the first time a
 * report is built. Reading it at report time, rather than bundling a copy into src/ at build
 * time, keeps its MIT licence header and its version under npm's control (an `npm update`
 * updates reports too) and needs no build step beyond tsc.
 */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (path: string): string => readFileSync(require.resolve(path), 'utf8');
  const pkg = JSON.parse(read('uplot/package.json')) as { version: string };
  cached = {
    script: read('uplot/dist/uPlot.iife.min.js'),
    style: read('uplot/dist/uPlot.min.css'),
    version: pkg.version,
  };
  return cached;
}
