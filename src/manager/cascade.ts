import { Emitter } from '../core/emitter.js';
import type { CascadeEvent, CascadeStatus } from './types.js';

/**
 * The cascade signal's bookkeeping: which services are open (kept current by the manager's
 * relay of state changes), whether the signal is on, and its listeners.
 */
export class CascadeTracker {
  /** Services whose breaker is open. */
  readonly open = new Set<string>();
  readonly events = new Emitter<CascadeEvent>('onCascade');
  private active = false;

  /** The signal is on. */
  get on(): boolean {
    return this.active;
  }

  /** The status with `active`, out of `total` breakers. */
  status(active: boolean, total: number): CascadeStatus {
    const open = this.open.size;
    return {
      active,
      open,
      total,
      share: total === 0 ? 0 : open / total,
      services: [...this.open].sort(),
    };
  }

  /**
   * Turns the signal on or off for `total` breakers, and tells the listeners when it changed:
   * on while more than `threshold` percent are open and at least `minimumOpen` are.
   */
  check(at: number, total: number, threshold: number | undefined, minimumOpen: number): void {
    const open = this.open.size;
    const active = threshold !== undefined && open >= minimumOpen && open * 100 > threshold * total;
    if (active === this.active) return;
    this.active = active;
    if (this.events.active) this.events.emit({ ...this.status(active, total), at });
  }

  /** Off, without telling anyone (the manager closed). */
  clear(): void {
    this.active = false;
  }
}
