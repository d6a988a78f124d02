// `breakwater/http`: an HTTP client with a circuit breaker per origin, over undici, and an undici
// interceptor that puts code already using undici or fetch behind the same breakers.
export { ResilientHttpClient } from './client.js';
export type {
  FallbackResult,
  HttpRetryOptions,
  ResilientHttpClientOptions,
} from './client-options.js';
export type { HttpBody, HttpHeaders, HttpRequestInit } from './request-init.js';
export { breakerInterceptor } from './interceptor.js';
export type { BreakerInterceptor, BreakerInterceptorOptions } from './interceptor.js';
export type { OriginBreakerOptions } from './origin-breakers.js';
export { defaultClassify, isCallerMistake } from './classify.js';
export type { ClassifyResponse, ResponseHeaders, ResponseOutcome } from './classify.js';
export { ClientClosedError, HttpErrorCodes } from './errors.js';
// The errors a call can reject with, from the one copy of the core every subpath shares.
export {
  BreakerError,
  BreakerOpenError,
  CallTimeoutError,
  TooManyRequestsError,
} from '../core/errors.js';
