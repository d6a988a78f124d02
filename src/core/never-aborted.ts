import { setMaxListeners } from 'node:events';

/**
 * The signal passed to protected functions when a call has no signal of its own: it never
 * aborts. One instance is shared by the core and the policies, so many calls in flight may each
 * add (and later remove) an abort listener to it; the listener limit is lifted so Node does not
 * take that for a leak.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
setMaxListeners(0, NEVER_ABORTED);
