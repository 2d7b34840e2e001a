import * as z from 'zod/mini'
import type { TicketEvent, TicketEventType } from '../core/model/event.js'
import { ticketPartition } from './ticket-partition.js'

/** The first subject token of the default layout: `tickets.<workspaceId>.<type>`. */
export const DEFAULT_SUBJECT_PREFIX = 'tickets'

/** One subject token: no dots, no wildcards, no whitespace. */
const TOKEN = /^[^\s.*>]+$/
/** A subject prefix: one or more plain tokens (letters, digits, `_`, `-`) separated by dots. */
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/

/** The zod schema of a subject prefix such as `tickets` or `prod.tickets`. */
export const subjectPrefixSchema = z
  .string()
  .check(z.maxLength(200), z.regex(PREFIX, { error: 'Expected dot-separated tokens of letters, digits, _ and -' }))

/** Whether `subject` is a subject a message can be published to (no wildcards, no empty tokens). */
export function isPublishableSubject(subject: string): boolean {
  return subject.length > 0 && subject.length <= 1024 && subject.split('.').every((token) => TOKEN.test(token))
}

/** A ticket event type as subject tokens: `ticket:comment:added` → `ticket.comment.added`. */
export function typeTokens(type: TicketEventType): string {
  return type.replaceAll(':', '.')
}

/** How the default layout names subjects. */
export interface TicketSubjectOptions {
  /** The first token(s) of every subject (default `tickets`). */
  readonly prefix?: string
  /** Spread tickets over this many partitions (see {@link ticketPartition}); default none. */
  readonly partitions?: number
}

/**
 * The subject the relay publishes an event to, in the default layout:
 * `<prefix>.<workspaceId>.<type with : as .>`, or with `partitions`,
 * `<prefix>.<workspaceId>.<partition>.<type with : as .>`.
 *
 * This is a pure function.
 *
 * @example
 * ```ts
 * ticketSubject(event)                     // 'tickets.4f0c….ticket.status.changed'
 * ticketSubject(event, { partitions: 8 })  // 'tickets.4f0c….3.ticket.status.changed'
 * ```
 */
export function ticketSubject(event: Pick<TicketEvent, 'type' | 'ticketId' | 'workspaceId'>, options: TicketSubjectOptions = {}): string {
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX
  const partition = options.partitions === undefined ? '' : `.${ticketPartition(event.ticketId, options.partitions)}`
  return `${prefix}.${event.workspaceId}${partition}.${typeTokens(event.type)}`
}

/** Which of the relay's subjects a consumer wants, in the default layout. */
export interface TicketSubjectFilterOptions {
  /** The relay's prefix (default `tickets`). */
  readonly prefix?: string
  /** Only these event types (default all). */
  readonly types?: readonly TicketEventType[]
  /** Only this partition, for a relay running with `partitions` (default: the stream is not partitioned). */
  readonly partition?: number
}

/**
 * The filter subjects that select `types` (and `partition`) from a stream the relay
 * writes in the default layout: one subject per type, or one wildcard subject when no
 * type is named.
 *
 * This is a pure function.
 *
 * @example
 * ```ts
 * ticketSubjectFilter({})                                  // ['tickets.>']
 * ticketSubjectFilter({ types: ['ticket:created'] })       // ['tickets.*.ticket.created']
 * ticketSubjectFilter({ partition: 3 })                    // ['tickets.*.3.>']
 * ```
 */
export function ticketSubjectFilter(options: TicketSubjectFilterOptions = {}): string[] {
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX
  const partition = options.partition === undefined ? '' : `.${options.partition}`
  if (options.types === undefined || options.types.length === 0) {
    return [options.partition === undefined ? `${prefix}.>` : `${prefix}.*${partition}.>`]
  }
  return [...new Set(options.types)].map((type) => `${prefix}.*${partition}.${typeTokens(type)}`)
}
