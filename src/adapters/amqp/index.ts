// `breakwater/amqp`: a RabbitMQ consumer and publisher behind a circuit breaker. amqplib is an
// optional peer dependency: this module only imports its types.
export { consume } from './consume.js';
export type {
  BreakerConsumer,
  ConsumerEnd,
  ConsumerState,
  ConsumerStats,
  MessageHandler,
} from './consumer.js';
export type { ConsumeOptions } from './options.js';
export { DEFAULT_PREFETCH } from './options.js';
export { createPublisher, publish } from './publish.js';
export type { PublishOptions, Publisher } from './publish.js';
export { AttemptCounter } from './attempts.js';
