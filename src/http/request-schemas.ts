import * as z from 'zod'
import {
  assignCommandSchema,
  completeCommandSchema,
  createCommandSchema,
  tagCommandSchema,
  takeoverCommandSchema,
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
export const createTicketBodySchema = createCommandSchema.omit({ ...routeSupplied, workspaceId: true })
/** `PATCH /api/v1/tickets/{id}/takeover` */
export const takeoverBodySchema = takeoverCommandSchema.omit(routeSupplied)
/** `PATCH /api/v1/tickets/{id}/assignee` (`assigneeId: null` unassigns, beyond the seed). */
export const assignBodySchema = assignCommandSchema.omit(routeSupplied)
/** `PATCH /api/v1/tickets/{id}/complete` */
export const completeBodySchema = completeCommandSchema.omit(routeSupplied)
/** `POST /api/v1/tickets/{ticketId}/tags` */
export const tagBodySchema = tagCommandSchema.omit(routeSupplied)

/** A path parameter that names a ticket or a tag. */
export const pathIdSchema = uuidSchema

const positiveInteger = (max: number) =>
  z.string().regex(/^\d+$/, { error: 'Expected a whole number' }).transform(Number).pipe(z.number().int().min(1).max(max))

const booleanParam = z.enum(['true', 'false'], { error: 'Expected true or false' }).transform((value) => value === 'true')
const idList = z.array(uuidSchema).max(MAX_FILTER_IDS)

/** List parameters of `GET /api/v1/tickets/details`: always arrays (see `searchParamsToObject`). */
export const LIST_QUERY_ARRAY_KEYS: ReadonlySet<string> = new Set([
  'assigneeIds',
  'chatIds',
  'tagIds',
  'responderIds',
  'responderVersionIds',
])

/**
 * The query of `GET /api/v1/tickets/details` (seed 001). `status` is optional here (the
 * seed marks it required): leaving it out lists every status.
 */
export const listTicketsQuerySchema = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  assigneeIds: idList.optional(),
  chatIds: idList.optional(),
  tagIds: idList.optional(),
  responderIds: idList.optional(),
  responderVersionIds: idList.optional(),
  search: z.string().max(MAX_SEARCH_LENGTH).optional(),
  includeRemoved: booleanParam.optional(),
  pageNumber: positiveInteger(1_000_000).optional(),
  pageSize: positiveInteger(MAX_PAGE_SIZE).optional(),
})

/**
 * The query of `GET /v2/system/events` (seed 000). `after_id` is an event id: a ULID
 * (the seed's `<uuid>` format note contradicts its own ULID event ids).
 */
export const eventsQuerySchema = z.strictObject({
  after_id: ulidSchema.optional(),
  occurred_after: z.iso.datetime({ offset: true }).optional(),
  type: z.string().min(1).max(255).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, { error: 'Expected a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(0).max(MAX_EVENTS_LIMIT))
    .optional(),
})
