/**
 * Catch-up subscriptions over the event log: {@link subscribe} and the
 * {@link Checkpoint} it keeps its place in. Runtime-neutral (timers and
 * `AbortSignal` only).
 *
 * @module
 */
export { type Checkpoint, type MemoryCheckpoint, memoryCheckpoint } from './checkpoint.js'
export type { SubscriptionRetryOptions } from './retry-policy.js'
export {
  type SubscribeBatchOptions,
  type SubscribeCommonOptions,
  type SubscribeEventOptions,
  type SubscribeOptions,
  type SubscriptionContext,
  type SubscriptionFailure,
  type SubscriptionStopped,
  subscribe,
} from './subscribe.js'
