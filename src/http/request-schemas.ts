import * as z from 'zod/mini'
import {
  assignCommandSchema,
  completeCommandSchema,
  createCommandSchema,
  identifierSchema,
  isoDateTimeSchema,
  tagCommandSchema,
  takeoverCommandSchema,
  textSchema,
  ulidSchema,
  uuidSchema,
} from '../core/commands/schemas.js'
import { TICKET_STATUSES } from '../core/model/ticket.js'
import { MAX_EVENTS_LIMIT, MAX_FILTER_IDS, MAX_PAGE_SIZE, MAX_SEARCH_LENGTH } from '../service/query-schemas.js'

// Bodies are the core commands minus what the route supplies itself: the discriminator,
// the workspace (from authentication) and `meta` (from headers). Reusing the command
// schemas keeps the HTTP contract and the core contract from drifting apart.
const routeSupplied = { type: true, meta: true } as const

/** `POST /api/v1/tickets`: the seed's fields plus the core `create` command's optional ones. */
export const createTicketBodySchema = z.omit(createCommandSchema, { ...routeSupplied, workspaceId: true })
/** `PATCH /api/v1/tickets/{id}/takeover` */
export const takeoverBodySchema = z.omit(takeoverCommandSchema, routeSupplied)
/** `PATCH /api/v1/tickets/{id}/assignee` (`assigneeId: null` unassigns, beyond the seed). */
export const assignBodySchema = z.omit(assignCommandSchema, routeSupplied)
/** `PATCH /api/v1/tickets/{id}/complete` */
export const completeBodySchema = z.omit(completeCommandSchema, routeSupplied)
/** `POST /api/v1/tickets/{ticketId}/tags` */
export const tagBodySchema = z.omit(tagCommandSchema, routeSupplied)

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
 * The query of `GET /v2/system/events` (the events API). `after_id` is an event id: a ULID
 * (the seed's `<uuid>` format note contradicts its own ULID event ids).
 */
export const eventsQuerySchema = z.strictObject({
  after_id: z.optional(ulidSchema),
  occurred_after: z.optional(isoDateTimeSchema),
  type: z.optional(identifierSchema()),
  limit: z.optional(wholeNumberParam(0, MAX_EVENTS_LIMIT)),
})
