/** Proportional gain of {@link ShareController} (Semian's default kp). */
const KP = 1;
/** Integral gain (Semian's default ki). */
const KI = 0.2;
/** Bound of the integral term (anti-windup, as Semian clamps it). */
const INTEGRAL_LIMIT = 10;
/** ms between updates (Semian's sliding interval). */
const STEP = 1_000;

/**
 * The PI controller behind partial opening, after Shopify Semian's adaptive breaker: every
 * second, with `error = rate - threshold` (0 while below), `P = error - (1 - error) * share`,
 * `share <- clamp01(share + KP * P + KI * integral(P))`. The share grows while the recent rate
 * stays above the threshold and falls back once it is below.
 */
export class ShareController {
  private value = 0;
  private integral = 0;
  private updatedAt = NaN;

  /** The share now (0..1). */
  get current(): number {
    return this.value;
  }

  /** Updates at most once per second of clock time and returns the share. */
  share(now: number, rate: number, threshold: number): number {
    if (Number.isNaN(this.updatedAt)) this.updatedAt = now;
    // After a long quiet spell a minute of steps is as good as all of them.
    if (now - this.updatedAt > 60 * STEP) this.updatedAt = now - 60 * STEP;
    while (now - this.updatedAt >= STEP) {
      this.updatedAt += STEP;
      const error = Math.max(0, rate - threshold);
      const p = error - (1 - error) * this.value;
      this.integral = Math.max(-INTEGRAL_LIMIT, Math.min(INTEGRAL_LIMIT, this.integral + p));
      this.value = Math.max(0, Math.min(1, this.value + KP * p + KI * this.integral));
      if (this.value === 0) this.integral = Math.max(0, this.integral);
    }
    return this.value;
  }

  /** Back to no rejection. */
  reset(): void {
    this.value = 0;
    this.integral = 0;
    this.updatedAt = NaN;
  }
}
