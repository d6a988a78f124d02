// `breakwater/pg`: a pg pool behind a circuit breaker. pg is an optional peer dependency: this
// module only imports its types, so the caller's own copy of pg is the one used.
export { guardPool, GuardedPool } from './guard-pool.js';
export type { TransactionOptions } from './guard-pool.js';
export type { GuardPoolOptions } from './options.js';
export { CALLER_ERROR_CLASSES, isCallerError, sqlState } from './classify.js';
export { PoolExhaustedError, POOL_EXHAUSTED } from './pool-exhausted-error.js';
export type { PoolUsage } from './pool-exhausted-error.js';
