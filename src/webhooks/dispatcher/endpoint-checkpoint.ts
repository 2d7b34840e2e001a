import { isTicketError, TicketError } from '../../core/index.js'
import type { Checkpoint } from '../../subscriptions/checkpoint.js'
import type { DeliveryStore, EndpointLease } from './delivery-store.js'

/**
 * An endpoint's low-water mark as a {@link Checkpoint}, for the holder of `lease`: `load`
 * reads the mark, `save` moves it only while the lease's token is current, and otherwise
 * throws a non-retryable `CONCURRENCY` error: another
 * dispatcher has taken the endpoint, and this one must stop.
 *
 * @internal
 */
export function endpointCheckpoint(store: DeliveryStore, lease: EndpointLease): Checkpoint {
  const { endpointId, token } = lease
  return {
    async load() {
      return (await store.endpointState(endpointId)).afterId
    },
    async save(afterId) {
      if (await store.saveMark({ endpointId, token, afterId })) return
      throw new TicketError('CONCURRENCY', `Lost the lease on endpoint ${endpointId}: another dispatcher delivers it now.`, {
        retryable: false,
      })
    },
  }
}

/** Whether `error` is a checkpoint's refusal to save under a lease that is no longer current. @internal */
export function isFenced(error: unknown): boolean {
  return isTicketError(error, 'CONCURRENCY') && error.retryable === false
}
