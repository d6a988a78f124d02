#!/usr/bin/env node
// The entry point of `breakwater`, and the only file that touches `process`: it hands argv,
// the standard streams, the environment and a stop signal to runCli, and sets the exit code.
// It never calls process.exit on the normal path: the process ends when nothing is left to do,
// so a timer left behind by a command shows up as a process that does not exit.
import { runCli } from './cli.js';

const controller = new AbortController();
let interrupts = 0;
function stop(signal: NodeJS.Signals): void {
  interrupts++;
  // A second Ctrl-C means "now": exit at once with the conventional 128 + signal number.
  if (interrupts > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort(new Error(`stopped by ${signal}`));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// `breakwater demo | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
function onStreamError(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
  controller.abort(error);
}
process.stdout.on('error', onStreamError);
process.stderr.on('error', onStreamError);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
process.exitCode = code;
