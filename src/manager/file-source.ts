import { ConfigError } from './config/config-error.js';
import type { LoadedConfig } from './config/loader.js';
import type { ConfigWatcher, WatchOptions } from './config/reload.js';
import type { ManagerOptions } from './types.js';

/** Options of {@link CircuitBreakerManager.fromFile}. */
export interface FromFileOptions extends ManagerOptions {
  /**
   * Reload the file when it changes (`true`, or how to watch it). A valid file replaces the
   * settings, keeping every breaker's state; an invalid one keeps the old settings and is
   * reported through `onReload` (or a process warning when nobody listens). Default false.
   */
  watch?: boolean | WatchOptions;
}

/** @internal The file a manager was made from, and its reload state. */
export interface FileSource {
  readonly file: string;
  readonly base: ManagerOptions;
  /** Text of the last file applied. */
  text: string;
  watcher: ConfigWatcher | undefined;
  /** The reload in progress (reloads run one at a time, in order). */
  queue: Promise<unknown>;
}

/**
 * Reads a config file. The loader (with zod and yaml) is imported on first use, so that
 * `import { CircuitBreaker } from 'breakwater'` does not load a schema library and a YAML parser
 * (about 150 ms here) for programs that never read a config file.
 */
export async function load(file: string): Promise<LoadedConfig> {
  const { loadConfigFile } = await import('./config/loader.js');
  return loadConfigFile(file);
}

/** Any failure to load or apply a file, as a ConfigError naming the file. */
export function asConfigError(error: unknown, file: string): ConfigError {
  if (error instanceof ConfigError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConfigError([{ path: '(root)', message }], file, { cause: error });
}
