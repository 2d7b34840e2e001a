/**
 * The options both JetStream readers (`consumeJetStream` and `jetStreamEventSource`)
 * take the same way: which subjects their durable consumer follows, and its flow control.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini'
import { subjectPrefixSchema } from './subjects.js'
import { MAX_PARTITIONS } from './ticket-partition.js'

/** The zod shape of the subject and flow-control options the JetStream readers share. */
export const jetStreamConsumerShape = {
  partition: z.optional(z.int().check(z.minimum(0), z.maximum(MAX_PARTITIONS - 1))),
  subjectPrefix: z.optional(subjectPrefixSchema),
  filterSubjects: z.optional(
    z
      .array(z.string().check(z.minLength(1), z.maxLength(1024), z.regex(/^\S+$/, { error: 'Expected a subject without whitespace' })))
      .check(z.minLength(1), z.maxLength(100)),
  ),
  maxAckPending: z.optional(z.int().check(z.minimum(1), z.maximum(100_000))),
  ackWaitMs: z.optional(z.int().check(z.minimum(1000), z.maximum(86_400_000))),
  prefetch: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
}

/** Refuses `filterSubjects` together with `partition` or `subjectPrefix`: they name the subjects two ways. */
export function filterSubjectsOrPartition() {
  return z.superRefine<{ readonly filterSubjects?: unknown; readonly partition?: unknown; readonly subjectPrefix?: unknown }>(
    (options, ctx) => {
      if (options.filterSubjects !== undefined && (options.partition !== undefined || options.subjectPrefix !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['filterSubjects'],
          message: 'Give either filterSubjects or partition / subjectPrefix, not both',
        })
      }
    },
  )
}

/** Milliseconds as the nanoseconds JetStream's consumer settings take. */
export const toNanos = (ms: number): number => ms * 1_000_000
