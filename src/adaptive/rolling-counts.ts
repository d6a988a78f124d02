/**
 * Two counters (requests and accepts) over the last `window` ms, kept in equal buckets: a count
 * made in the bucket that starts at `s` counts while `now < s + window`. With at least 10
 * buckets of at most 1 s, a call drops out at most one bucket early. Time that goes backwards
 * is taken as no time passing.
 */
export class RollingCounts {
  readonly window: number;
  /** Width of a bucket, ms. */
  readonly bucket: number;
  private readonly requestsIn: Float64Array;
  private readonly acceptsIn: Float64Array;
  /** Index of the newest bucket (floor(time / bucket)); -Infinity before the first count. */
  private newest = -Infinity;
  private requestTotal = 0;
  private acceptTotal = 0;

  constructor(window: number) {
    const buckets = Math.max(10, Math.ceil(window / 1000));
    this.window = window;
    this.bucket = window / buckets;
    this.requestsIn = new Float64Array(buckets);
    this.acceptsIn = new Float64Array(buckets);
  }

  /** Requests counted in the window at `now`. */
  requests(now: number): number {
    this.advance(now);
    return this.requestTotal;
  }

  /** Accepts counted in the window at `now`. */
  accepts(now: number): number {
    this.advance(now);
    return this.acceptTotal;
  }

  /** Counts a request arriving at `now`; returns its bucket index, for {@link accept}. */
  request(now: number): number {
    this.advance(now);
    const i = this.slot(this.newest);
    this.requestsIn[i] = (this.requestsIn[i] ?? 0) + 1;
    this.requestTotal++;
    return this.newest;
  }

  /** Counts an accept for the request made in bucket `index`, unless it has left the window. */
  accept(index: number, now: number): void {
    this.advance(now);
    if (index <= this.newest - this.requestsIn.length) return;
    const i = this.slot(index);
    this.acceptsIn[i] = (this.acceptsIn[i] ?? 0) + 1;
    this.acceptTotal++;
  }

  private slot(index: number): number {
    const n = this.requestsIn.length;
    return ((index % n) + n) % n;
  }

  private advance(now: number): void {
    const index = Math.floor(now / this.bucket);
    if (index <= this.newest) return;
    const n = this.requestsIn.length;
    if (index - this.newest >= n) {
      this.requestsIn.fill(0);
      this.acceptsIn.fill(0);
      this.requestTotal = 0;
      this.acceptTotal = 0;
    } else {
      for (let b = this.newest + 1; b <= index; b++) {
        const i = this.slot(b);
        this.requestTotal -= this.requestsIn[i] ?? 0;
        this.acceptTotal -= this.acceptsIn[i] ?? 0;
        this.requestsIn[i] = 0;
        this.acceptsIn[i] = 0;
      }
    }
    this.newest = index;
  }
}
