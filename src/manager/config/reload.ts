import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { quote } from '../../core/options.js';

/** How a config file is watched. */
export interface WatchOptions {
  /**
   * How often the file is polled, in ms. Default 1000. Polling (`fs.watchFile`) is used rather
   * than `fs.watch` because it survives editors that replace the file and Kubernetes ConfigMap
   * updates, which swap a symlink.
   */
  interval?: number;
  /** Quiet time after the last change before the file is read, in ms. Default 100. */
  debounce?: number;
}

/**
 * Calls `onChange` once a file has changed and then stayed unchanged for `debounce` ms. Holds
 * no timer that keeps the process alive; `close()` stops it.
 */
export class ConfigWatcher {
  private readonly file: string;
  private readonly debounce: number;
  private readonly listener: (curr: Stats, prev: Stats) => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(file: string, onChange: () => void, options: WatchOptions = {}) {
    const interval = options.interval ?? 1000;
    const debounce = options.debounce ?? 100;
    if (typeof interval !== 'number' || !(interval > 0 && interval < 2 ** 31)) {
      throw new RangeError(
        `watch option interval must be a number of ms > 0, got ${quote(interval)}`,
      );
    }
    if (typeof debounce !== 'number' || !(debounce >= 0 && debounce < 2 ** 31)) {
      throw new RangeError(
        `watch option debounce must be a number of ms >= 0, got ${quote(debounce)}`,
      );
    }
    this.file = file;
    this.debounce = debounce;
    this.listener = (curr, prev) => {
      if (
        curr.mtimeMs === prev.mtimeMs &&
        curr.ctimeMs === prev.ctimeMs &&
        curr.size === prev.size &&
        curr.ino === prev.ino
      ) {
        return;
      }
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.closed) onChange();
      }, this.debounce);
      this.timer.unref();
    };
    watchFile(file, { interval, persistent: false }, this.listener);
  }

  /** Stops watching; a change already waiting out its debounce is dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    unwatchFile(this.file, this.listener);
  }
}
