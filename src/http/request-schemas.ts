import * as z from 'zod/mini'
import { textSchema, uuidSchema } from '../core/commands/schemas.js'
import { TICKET_STATUSES } from '../core/model/ticket.js'
import {
  eventsQueryFilters,
  MAX_AUDITS_LIMIT,
  MAX_EVENTS_LIMIT,
  MAX_FILTER_IDS,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
} from '../service/query-schemas.js'

// Request bodies have no schemas of their own: a route builds its command from the body
// and validates it once with the core command schema (see `commandFromBody`), so the
// HTTP contract and the core contract cannot drift apart.

/** A path parameter that names a ticket or a tag. */
export const pathIdSchema = uuidSchema

/** A query parameter holding a whole number (digits only), turned into a number and checked against `min..max`. */
const wholeNumberParam = (min: number, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\d+$/, { error: 'Expected a whole number' })), z.transform(Number)),
    z.int().check(z.minimum(min), z.maximum(max)),
  )
const positiveInteger = (max: number) => wholeNumberParam(1, max)

const booleanParam = z.pipe(
  z.enum(['true', 'false'], { error: 'Expected true or false' }),
  z.transform((value: 'true' | 'false') => value === 'true'),
)
const idList = z.array(uuidSchema).check(z.maxLength(MAX_FILTER_IDS))

/** The query of `GET /api/v1/tickets/{id}/details`: `version`, to read the ticket as it was. */
export const ticketDetailsQuerySchema = z.strictObject({
  version: z.optional(positiveInteger(Number.MAX_SAFE_INTEGER)),
})

/** List parameters of `GET /api/v1/tickets/details`: always arrays (see `searchParamsToObject`). */
export const LIST_QUERY_ARRAY_KEYS: ReadonlySet<string> = new Set([
  'assigneeIds',
  'chatIds',
  'tagIds',
  'responderIds',
  'responderVersionIds',
])

/**
 * The query of `GET /api/v1/tickets/details` (the ticket API). `status` is optional here (the
 * seed marks it required): leaving it out lists every status.
 */
export const listTicketsQuerySchema = z.strictObject({
  status: z.optional(z.enum(TICKET_STATUSES)),
  assigneeIds: z.optional(idList),
  chatIds: z.optional(idList),
  tagIds: z.optional(idList),
  responderIds: z.optional(idList),
  responderVersionIds: z.optional(idList),
  search: z.optional(textSchema(MAX_SEARCH_LENGTH)),
  includeRemoved: z.optional(booleanParam),
  pageNumber: z.optional(positiveInteger(1_000_000)),
  pageSize: z.optional(positiveInteger(MAX_PAGE_SIZE)),
})

/**
 * The query of `GET /v2/system/events` (the events API), in the wire's snake_case: the
 * service's events query filters under their wire names, and `limit` as digits.
 * `after_id` is an event id: a ULID (the events API's `<uuid>` format note contradicts its
 * own ULID event ids).
 */
export const eventsWireQuerySchema = z.strictObject({
  after_id: eventsQueryFilters.afterId,
  occurred_after: eventsQueryFilters.occurredAfter,
  type: eventsQueryFilters.type,
  limit: z.optional(wholeNumberParam(0, MAX_EVENTS_LIMIT)),
})

/**
 * The query of `GET /v2/system/events/stream`: the events API's filters without `limit`
 * (a stream has no page size; the route refuses `limit` by name before this runs).
 */
export const eventsStreamWireQuerySchema = z.strictObject({
  after_id: eventsQueryFilters.afterId,
  occurred_after: eventsQueryFilters.occurredAfter,
  type: eventsQueryFilters.type,
})

/** The `Last-Event-ID` header an SSE client sends back when it reconnects: an event id, like `after_id`. */
export const lastEventIdHeaderSchema = z.object({ 'last-event-id': eventsQueryFilters.afterId })

/**
 * The query of `GET /api/v1/tickets/{id}/audits`: `after_id` (an audit id of the ticket,
 * a ULID) and `limit` 1..1000 as digits, the rules of the service's `audits()` options.
 */
export const auditsWireQuerySchema = z.strictObject({
  after_id: eventsQueryFilters.afterId,
  limit: z.optional(wholeNumberParam(1, MAX_AUDITS_LIMIT)),
})
