import type { Command } from '../io.js';
import { chaos } from './chaos.js';
import { demo } from './demo.js';
import { tune } from './tune.js';

/** Every subcommand of `breakwater`, in the order `--help` lists them. */
export const commands: readonly Command[] = [demo, tune, chaos];
