import { jetstreamManager, type StreamConfig } from '@nats-io/jetstream'
import * as z from 'zod/mini'
import { parseWith } from '../core/commands/parse-command.js'
import { TicketError } from '../core/errors/ticket-error.js'
import { toTicketError } from './nats-errors.js'
import { assertOpen, jetStreamNameSchema, type NatsConnectionLike, natsConnectionSchema } from './nats-options.js'
import { DEFAULT_SUBJECT_PREFIX, subjectPrefixSchema } from './subjects.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** The default `duplicate_window` of {@link ensureTicketStream}: 2 hours. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * HOUR

/** Options of {@link ensureTicketStream}. */
export interface EnsureTicketStreamOptions {
  /** Your NATS connection; you close it. */
  readonly nats: NatsConnectionLike
  /** The stream's name. */
  readonly stream: string
  /** The relay's subject prefix (default `tickets`): the stream captures `<prefix>.>`. */
  readonly subjectPrefix?: string
  /**
   * How long JetStream remembers a `Nats-Msg-Id` to drop a re-publish, in ms (default
   * 2 h, at least 1 s, at most 7 days). Make it longer than the longest the relay may be
   * down and catching up; the server keeps every id of the window in memory.
   */
  readonly duplicateWindowMs?: number
  /** `file` (default) or `memory`. Applies when the stream is created. */
  readonly storage?: 'file' | 'memory'
  /** Replicas in a cluster, 1..5 (default 1). Applies when the stream is created. */
  readonly replicas?: number
  /** Drop messages older than this, in ms (default: keep them); at least `duplicateWindowMs`. */
  readonly maxAgeMs?: number
}

/** What {@link ensureTicketStream} found or did. */
export interface EnsuredTicketStream {
  /** `true` when the stream did not exist and was created. */
  readonly created: boolean
  /** `true` when an existing stream got the subject or the `duplicate_window` it lacked. */
  readonly updated: boolean
  readonly subjects: readonly string[]
  readonly duplicateWindowMs: number
}

const optionsSchema = z
  .strictObject({
    nats: natsConnectionSchema,
    stream: jetStreamNameSchema,
    subjectPrefix: z.optional(subjectPrefixSchema),
    duplicateWindowMs: z.optional(z.int().check(z.minimum(1000), z.maximum(7 * 24 * HOUR))),
    storage: z.optional(z.enum(['file', 'memory'])),
    replicas: z.optional(z.int().check(z.minimum(1), z.maximum(5))),
    maxAgeMs: z.optional(z.int().check(z.minimum(1000))),
  })
  .check(
    z.superRefine((options, ctx) => {
      const window = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS
      if (options.maxAgeMs !== undefined && options.maxAgeMs < window) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxAgeMs'],
          message: 'Expected at least duplicateWindowMs (JetStream refuses a shorter max_age)',
        })
      }
    }),
  )

const toNanos = (ms: number): number => ms * 1_000_000

/**
 * Creates the stream the relay writes to, or brings an existing one up to what the
 * relay needs: it captures `<subjectPrefix>.>` and has the `duplicate_window` asked for.
 * Nothing else of an existing stream is changed.
 *
 * @throws a `VALIDATION` `TicketError` for bad options, `UNAVAILABLE` when JetStream
 * cannot be reached (or the connection is closed).
 *
 * @example
 * ```ts
 * await ensureTicketStream({ nats, stream: 'TICKETS', duplicateWindowMs: 6 * 60 * 60 * 1000 })
 * ```
 */
export async function ensureTicketStream(options: EnsureTicketStreamOptions): Promise<EnsuredTicketStream> {
  parseWith(optionsSchema, options, 'stream options')
  const { nats, stream } = options
  assertOpen(nats, 'ensure the stream')
  const subject = `${options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX}.>`
  const duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS
  const failed = (action: string) => (error: unknown) => {
    throw toTicketError(error, { action, stream })
  }
  const manager = await jetstreamManager(nats).catch(failed('reach JetStream'))
  const existing = await manager.streams.info(stream).catch((error: unknown) => {
    const reason = toTicketError(error, { action: `read stream "${stream}"`, stream })
    if (reason.code === 'NOT_FOUND') return undefined
    throw reason
  })
  if (existing === undefined) {
    const config: Partial<StreamConfig> & { name: string } = {
      name: stream,
      subjects: [subject],
      storage: options.storage ?? 'file',
      num_replicas: options.replicas ?? 1,
      duplicate_window: toNanos(duplicateWindowMs),
      ...(options.maxAgeMs === undefined ? {} : { max_age: toNanos(options.maxAgeMs) }),
    }
    const info = await manager.streams.add(config).catch(failed(`create stream "${stream}"`))
    return { created: true, updated: false, subjects: info.config.subjects, duplicateWindowMs }
  }
  const subjects = existing.config.subjects ?? []
  const needsSubject = !subjects.includes(subject)
  const needsWindow = existing.config.duplicate_window !== toNanos(duplicateWindowMs)
  if (!needsSubject && !needsWindow) return { created: false, updated: false, subjects, duplicateWindowMs }
  if (existing.config.max_age > 0 && existing.config.max_age < toNanos(duplicateWindowMs)) {
    throw new TicketError(
      'VALIDATION',
      `Stream "${stream}" keeps messages for less than the duplicate window asked for; lower duplicateWindowMs or raise its max_age.`,
      {
        issues: [{ path: ['duplicateWindowMs'], message: "Longer than the stream's max_age", code: 'custom' }],
      },
    )
  }
  const updated = await manager.streams
    .update(stream, { subjects: needsSubject ? [...subjects, subject] : subjects, duplicate_window: toNanos(duplicateWindowMs) })
    .catch(failed(`update stream "${stream}"`))
  return { created: false, updated: true, subjects: updated.config.subjects, duplicateWindowMs }
}
