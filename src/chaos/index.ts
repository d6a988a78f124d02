// breakwater/chaos: fault injection for experiments that check the breakers do their job.
export { FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
export { FaultProxyError, ChaosErrorCodes, type ChaosErrorCode } from './errors.js';
export { TOXIC_ATTRIBUTES, type Toxic, type ToxicType, type ToxicStream } from './toxics.js';
export type { ProxyInfo } from './proxy.js';
export { TOXIPROXY_VERSION } from './control-api.js';
