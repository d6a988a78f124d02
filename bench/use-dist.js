// `node --import tsx --import ./bench/use-dist.js ...`: serve src/ imports from dist/ (see
// dist-hooks.js). bench/index.ts registers the same hook itself when given `--dist`, and passes
// this file to the child processes it starts.
import { register } from 'node:module';

register('./dist-hooks.js', import.meta.url);
