// Runs `breakwater demo` as a real process (through the package's bin) and finds its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { CHILD_LIMIT_MS } from '../fixtures/limits.js';

const root = new URL('../../', import.meta.url);

export interface DemoProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>/`, from the `dashboard:` line. */
  url: string;
  port: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `ms`. */
  stop(
    signal?: NodeJS.Signals,
    ms?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const DASHBOARD = /^dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)$/m;

/**
 * Starts `breakwater demo <args>` and resolves once it printed its dashboard URL. Rejects (and
 * kills it) when that takes longer than `ms` or the process exits first.
 */
export function startDemo(args: readonly string[], ms = CHILD_LIMIT_MS): Promise<DemoProcess> {
  const { FORCE_COLOR: _f, NO_COLOR: _n, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/breakwater.js', 'demo', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', limit = CHILD_LIMIT_MS) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), limit);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`no dashboard line within ${ms} ms:\n${out}\n${err}`));
    }, ms);
    child.stdout.on('data', (c: string) => {
      out += c;
      const m = DASHBOARD.exec(out);
      if (m?.[1] && m[2] && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          port: Number(m[2]),
          stdout: () => out,
          stderr: () => err,
          exited,
          stop,
        });
      }
    });
    void exited.then(({ code }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(
        new Error(`breakwater demo exited with ${code} before printing its URL:\n${out}\n${err}`),
      );
    });
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
