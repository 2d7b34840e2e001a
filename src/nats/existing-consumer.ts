/**
 * Looking up a durable consumer before creating or updating it, as both JetStream
 * readers do.
 *
 * @internal
 * @module
 */
import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream'
import { isConsumerNotFound } from './nats-errors.js'

/** The consumer's info, or `undefined` when the stream has no consumer of that name (other errors throw). */
export async function existingConsumer(manager: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  try {
    return await manager.consumers.info(stream, name)
  } catch (error) {
    if (!isConsumerNotFound(error)) throw error
    return undefined
  }
}
