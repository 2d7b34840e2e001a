/**
 * The zod schemas of the two read queries: the global events log (the events API) and the
 * ticket list (the ticket API). Exported so the HTTP layer validates exactly what the service does.
 *
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../core/commands/parse-command.js'
import { isParsed, markParsed } from '../core/commands/parsed-values.js'
import { identifierSchema, isoDateTimeSchema, textSchema, ulidSchema, uuidSchema } from '../core/commands/schemas.js'
import { TICKET_STATUSES } from '../core/model/ticket.js'
import type { ListPosition } from '../store-contract/ticket-store.js'
import { decodeListCursor, MAX_CURSOR_LENGTH } from './list-cursor.js'
import type { AppliedAuditsQuery, AppliedEventsQuery, AppliedListQuery, AuditsOptions, EventsQuery, ListQuery } from './ticket-service.js'

/** The largest `limit` of an events page (the events API). */
export const MAX_EVENTS_LIMIT = 1000
/** The `limit` of an events page when none is given (the events API). */
export const DEFAULT_EVENTS_LIMIT = 25
/** The largest `pageSize` of a ticket list (the ticket API). */
export const MAX_PAGE_SIZE = 100
/** The `pageSize` of a ticket list when none is given (the ticket API). */
export const DEFAULT_PAGE_SIZE = 10

/** The largest `limit` of an audits page. */
export const MAX_AUDITS_LIMIT = 1000
/** The `limit` of an audits page when none is given. */
export const DEFAULT_AUDITS_LIMIT = 25

/** The longest `search` text of a ticket list, in characters. */
export const MAX_SEARCH_LENGTH = 200
/** The most ids one list filter (`assigneeIds`, `chatIds`, `tagIds`) may name. */
export const MAX_FILTER_IDS = 100

/**
 * The filters of the events API query, one schema each, shared by {@link eventsQuerySchema}
 * and the wire query of `ticket-events/http` (which names them in snake_case), so both
 * apply the same rules. `afterId` is upper-cased (stored ids are), and `occurredAfter` is
 * normalised to UTC ISO-8601 with milliseconds, the form events carry (years 0001–9999
 * in UTC). `type` is an identifier: no control characters.
 *
 * @internal
 */
export const eventsQueryFilters = {
  afterId: z.optional(
    z.pipe(
      ulidSchema,
      z.transform((id: string) => id.toUpperCase()),
    ),
  ),
  occurredAfter: z.optional(isoDateTimeSchema),
  type: z.optional(identifierSchema()),
}

/**
 * The events API query. Strict: an unknown key is a validation error, never ignored.
 * `workspaceId` is lower-cased like every UUID; the filters follow the rules of
 * `eventsQueryFilters` above.
 *
 * @example
 * ```ts
 * z.parse(eventsQuerySchema, { occurredAfter: '2024-05-01T12:00:00+02:00' })
 * // → { occurredAfter: '2024-05-01T10:00:00.000Z', limit: 25 }
 * ```
 */
export const eventsQuerySchema = z.strictObject({
  workspaceId: z.optional(uuidSchema),
  ...eventsQueryFilters,
  limit: z._default(z.int().check(z.minimum(0), z.maximum(MAX_EVENTS_LIMIT)), DEFAULT_EVENTS_LIMIT),
})

/**
 * The options of `audits()`: a cursor (an audit id, upper-cased as stored) and a limit
 * 1..1000 (default 25; a page of none would be no page). Strict: an unknown key is a
 * validation error.
 */
export const auditsOptionsSchema = z.strictObject({
  afterId: eventsQueryFilters.afterId,
  limit: z._default(z.int().check(z.minimum(1), z.maximum(MAX_AUDITS_LIMIT)), DEFAULT_AUDITS_LIMIT),
})

/**
 * The applied audits query of a parsed ticket id and scope and the caller's options.
 *
 * @internal
 */
export function parseAuditsQuery(
  ticketId: string,
  workspaceId: string | undefined,
  options: AuditsOptions | undefined,
): AppliedAuditsQuery {
  const parsed = parseWith(z.object({ options: z.optional(auditsOptionsSchema) }), { options }, 'audits options').options
  return trusted({
    ticketId,
    ...(workspaceId === undefined ? {} : { workspaceId }),
    ...(parsed?.afterId === undefined ? {} : { afterId: parsed.afterId }),
    limit: parsed?.limit ?? DEFAULT_AUDITS_LIMIT,
  })
}

/**
 * One id filter of the list query: a UUID or a list of them (the ticket API accepts both),
 * always applied as a list; empty (the default) means no filter.
 */
const idFilter = z.pipe(
  z.optional(
    z.union([
      z.array(uuidSchema).check(z.maxLength(MAX_FILTER_IDS)),
      z.pipe(
        uuidSchema,
        z.transform((id: string) => [id]),
      ),
    ]),
  ),
  z.transform((ids: string[] | undefined) => ids ?? []),
)

/**
 * The list's keyset cursor: the `nextCursor` of an earlier page, as it was given. Parsed
 * to the position it names (where the next page starts). Shared with the wire query of
 * `ticket-events/http`.
 *
 * @internal
 */
export const listCursorSchema = z.pipe(
  z.string().check(
    z.maxLength(MAX_CURSOR_LENGTH),
    z.refine((cursor: string) => decodeListCursor(cursor) !== undefined, {
      error: 'Invalid cursor: pass the nextCursor of an earlier page as it is',
    }),
  ),
  z.transform((cursor: string) => decodeListCursor(cursor) as ListPosition),
)

/** A cursor already says where the page starts, so a `pageNumber` past 1 beside it is refused rather than guessed at. */
const cursorOrPageNumber = z.refine<{ readonly cursor?: unknown; readonly pageNumber: number }>(
  (query) => query.cursor === undefined || query.pageNumber === 1,
  { error: 'Give cursor or pageNumber, not both: a cursor already says where the page starts', path: ['pageNumber'] },
)

const listQueryFields = z.strictObject({
  workspaceId: uuidSchema,
  status: z.optional(z.enum(TICKET_STATUSES)),
  assigneeIds: idFilter,
  chatIds: idFilter,
  tagIds: idFilter,
  // Matched literally by every store (parameterised, LIKE wildcards escaped), so any text
  // a summary can hold is a fair search.
  search: z.optional(textSchema(MAX_SEARCH_LENGTH)),
  includeRemoved: z.pipe(
    z.optional(z.nullable(z.boolean())),
    z.transform((include: boolean | null | undefined) => include ?? false),
  ),
  cursor: z.optional(listCursorSchema),
  pageNumber: z._default(z.int().check(z.minimum(1)), 1),
  pageSize: z._default(z.int().check(z.minimum(1), z.maximum(MAX_PAGE_SIZE)), DEFAULT_PAGE_SIZE),
})

/** The list query's fields as parsed, before the cursor is applied as `after`. */
type ParsedListFields = z.output<typeof listQueryFields>

/**
 * The ticket API ticket list query. Strict: an unknown key is a validation error.
 * `includeRemoved: null` (the seed marks it nullable) means `false`. `search` is literal
 * text, matched case-insensitively as a substring of the summary: quotes, `%`, `_`, `;`,
 * `--` and comment markers match themselves on every store. `cursor` (the `nextCursor` of
 * an earlier page) is applied as `after`, the position it names; it does not combine with
 * a `pageNumber` past 1.
 *
 * @example
 * ```ts
 * z.parse(listQuerySchema, { workspaceId, status: 'pending' })
 * // → { workspaceId, status: 'pending', assigneeIds: [], chatIds: [], tagIds: [],
 * //     includeRemoved: false, pageNumber: 1, pageSize: 10 }
 * ```
 */
export const listQuerySchema = z.pipe(
  listQueryFields.check(cursorOrPageNumber),
  // The store reads the position as `after`; the cursor's text is the caller's business.
  z.transform(({ cursor, ...query }: ParsedListFields): Omit<ParsedListFields, 'cursor'> & { after?: ListPosition } =>
    cursor === undefined ? query : { ...query, after: cursor },
  ),
)

/**
 * Drops keys whose value is `undefined`, so an applied query names only what was asked
 * for (and fits `exactOptionalPropertyTypes`).
 */
function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const copy: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) copy[key] = entry
  return copy as { [K in keyof T]: Exclude<T[K], undefined> }
}

/**
 * Validates an events query and returns it as applied (defaults filled in, frozen and
 * marked as parsed); an applied query from an earlier parse is returned as it is.
 *
 * @internal
 */
export function parseEventsQuery(input: EventsQuery | undefined): AppliedEventsQuery {
  if (isParsed(input)) return input as AppliedEventsQuery
  return trusted(withoutUndefined(parseWith(eventsQuerySchema, input === undefined ? {} : input, 'events query')))
}

/**
 * Validates a list query and returns it as applied (defaults filled in, frozen and
 * marked as parsed); an applied query from an earlier parse is returned as it is.
 *
 * @internal
 */
export function parseListQuery(input: ListQuery): AppliedListQuery {
  if (isParsed(input)) return input as AppliedListQuery
  return trusted(withoutUndefined(parseWith(listQuerySchema, input, 'list query')))
}

/**
 * The applied list query for filters another schema already validated with the same
 * rules (the HTTP handler's query parameters): the defaults of {@link listQuerySchema}
 * filled in, frozen and marked as parsed, so the service does not parse it again.
 *
 * @internal
 */
export function appliedListQuery(filters: {
  readonly workspaceId: string
  readonly status?: AppliedListQuery['status'] | undefined
  readonly assigneeIds?: readonly string[] | undefined
  readonly chatIds?: readonly string[] | undefined
  readonly tagIds?: readonly string[] | undefined
  readonly search?: string | undefined
  readonly includeRemoved?: boolean | undefined
  readonly after?: ListPosition | undefined
  readonly pageNumber?: number | undefined
  readonly pageSize?: number | undefined
}): AppliedListQuery {
  return trusted({
    workspaceId: filters.workspaceId,
    assigneeIds: filters.assigneeIds ?? [],
    chatIds: filters.chatIds ?? [],
    tagIds: filters.tagIds ?? [],
    includeRemoved: filters.includeRemoved ?? false,
    pageNumber: filters.pageNumber ?? 1,
    pageSize: filters.pageSize ?? DEFAULT_PAGE_SIZE,
    ...(filters.status === undefined ? {} : { status: filters.status }),
    ...(filters.search === undefined ? {} : { search: filters.search }),
    ...(filters.after === undefined ? {} : { after: filters.after }),
  })
}

/**
 * The applied events query for filters another schema already validated with the same
 * rules (the HTTP handler's wire query): the default `limit` filled in, frozen and marked
 * as parsed, so the service does not parse it again.
 *
 * @internal
 */
export function appliedEventsQuery(filters: {
  readonly workspaceId?: string | undefined
  readonly afterId?: string | undefined
  readonly occurredAfter?: string | undefined
  readonly type?: string | undefined
  readonly limit?: number | undefined
}): AppliedEventsQuery {
  return trusted({
    limit: filters.limit ?? DEFAULT_EVENTS_LIMIT,
    ...(filters.workspaceId === undefined ? {} : { workspaceId: filters.workspaceId }),
    ...(filters.afterId === undefined ? {} : { afterId: filters.afterId }),
    ...(filters.occurredAfter === undefined ? {} : { occurredAfter: filters.occurredAfter }),
    ...(filters.type === undefined ? {} : { type: filters.type }),
  })
}

/**
 * Freezes an applied query (and its id lists) before marking it as parsed: the service
 * trusts a marked query as it is, so it must not change after the parse. A query is a few
 * keys, so this costs next to nothing.
 */
function trusted<Q extends object>(query: Q): Q {
  for (const value of Object.values(query)) if (Array.isArray(value)) Object.freeze(value)
  return markParsed(Object.freeze(query))
}
