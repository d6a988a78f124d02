// opossum 9 ships no type declarations (and @types/opossum is not installed): the few members
// the benchmarks use, typed from node_modules/opossum/lib/circuit.js.
declare module 'opossum' {
  interface OpossumOptions {
    /** Per-call timeout in ms; `false` turns it off. Default 10000. */
    timeout?: number | false;
    /** Ms from open to half-open. Default 30000. */
    resetTimeout?: number;
    /** Trip when the error percentage in the rolling window is strictly above this. Default 50. */
    errorThresholdPercentage?: number;
    /** Calls needed in the rolling window before it may trip. Default 0. */
    volumeThreshold?: number;
    /** Rolling window length in ms. Default 10000. */
    rollingCountTimeout?: number;
    /** Buckets of the rolling window. Default 10. */
    rollingCountBuckets?: number;
    /** Keep latency percentiles of the window. Default true. */
    rollingPercentilesEnabled?: boolean;
    /** Emit a `snapshot` event every bucket (one more interval timer). Default true. */
    enableSnapshots?: boolean;
    name?: string;
  }

  class CircuitBreaker<TArgs extends unknown[] = unknown[], TResult = unknown> {
    constructor(action: (...args: TArgs) => Promise<TResult>, options?: OpossumOptions);
    fire(...args: TArgs): Promise<TResult>;
    readonly opened: boolean;
    readonly closed: boolean;
    shutdown(): void;
  }

  export default CircuitBreaker;
}
