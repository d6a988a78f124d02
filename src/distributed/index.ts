/**
 * `breakwater/redis`: one breaker across a fleet of instances, coordinated through Redis
 * (ioredis is an optional peer dependency of this subpath only). See docs/fleet.md.
 */
export { MemoryFleetStore } from './memory-store.js';
export { RedisFleetStore } from './redis-store.js';
export type { RedisClient, RedisFleetStoreOptions } from './redis-store.js';
export { NO_DECISION } from './store.js';
export type {
  FleetDecision,
  FleetStore,
  FleetView,
  FlushRequest,
  InstanceTotals,
  LeaseRequest,
  LeaseResult,
  OutcomeBucket,
  PublishRequest,
  PublishResult,
} from './store.js';
export { RedisCoordinator } from './coordinator.js';
export type { Attachment, CoordinationStatus, RedisCoordinatorOptions } from './coordinator.js';
export type { FleetBreakerStatus } from './breaker-link.js';
export type { FleetEvaluation, PooledRule } from './pooled-rule.js';
export { evaluateFleet, pooledRuleOf } from './pooled-rule.js';
