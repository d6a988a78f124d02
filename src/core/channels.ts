import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * Names of the `node:diagnostics_channel` channels the core publishes on. Exporters (metrics,
 * tracing) subscribe by name, so they work across copies of the package. Messages carry the
 * breaker itself as `breaker` plus the fields of StateChangeEvent / CallEvent.
 */
export const channelNames = {
  /** Every state change: `{ breaker, ...StateChangeEvent }`. */
  state: 'breakwater:breaker:state',
  /** Every call outcome and rejection: `{ breaker, ...CallEvent }`. */
  call: 'breakwater:breaker:call',
  /** Every breaker constructed: `{ breaker }`, so exporters can find breakers they were not given. */
  created: 'breakwater:breaker:created',
} as const;

/** The channels themselves. `hasSubscribers` is checked before any message is built. */
export const channels = {
  state: diagnosticsChannel.channel(channelNames.state),
  call: diagnosticsChannel.channel(channelNames.call),
  created: diagnosticsChannel.channel(channelNames.created),
};
