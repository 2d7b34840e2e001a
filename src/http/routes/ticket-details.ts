import { TicketError } from '../../core/errors/ticket-error.js'
import type { Ticket } from '../../core/model/ticket.js'
import { appliedListQuery } from '../../service/query-schemas.js'
import { LIST_QUERY_ARRAY_KEYS, listTicketsQuerySchema, ticketDetailsQuerySchema } from '../request-schemas.js'
import { jsonResponse, pathId, type RouteContext, ticketResponse } from '../route-context.js'
import type { Route } from '../router.js'
import { searchParamsToObject } from '../search-params.js'
import { validateInput } from '../validate-input.js'
import { type TicketDetails, toTicketDetails } from '../wire/ticket-details.js'

async function detailsOf(context: RouteContext, ticket: Ticket): Promise<TicketDetails> {
  const extras = context.resolveDetails
    ? await context.resolveDetails(ticket, { workspaceId: context.workspaceId, request: context.request })
    : {}
  return toTicketDetails(ticket, extras)
}

/**
 * `GET /api/v1/tickets/{id}/details[?version=n]`: the ticket now, or as it was right after
 * version `n`, with its version as the `ETag`. Another workspace's ticket is `404`, as is
 * a missing one and a version it has not reached; a deleted ticket is `410` at every
 * version (archived tickets are still shown).
 */
async function getTicketDetails(context: RouteContext): Promise<Response> {
  const ticketId = pathId(context, 'id')
  const { version } = validateInput(ticketDetailsQuerySchema, searchParamsToObject(context.url.searchParams, NO_LIST_KEYS), 'query')
  const ticket = await context.service.load(ticketId, version === undefined ? undefined : { version }, { workspaceId: context.workspaceId })
  if (ticket === null) throw new TicketError('NOT_FOUND', `Ticket ${ticketId} does not exist.`, { details: { ticketId } })
  if (ticket.deleted) throw new TicketError('DELETED', `Ticket ${ticketId} is deleted.`, { details: { ticketId } })
  return ticketResponse(await detailsOf(context, ticket), ticket.version)
}

const NO_LIST_KEYS: ReadonlySet<string> = new Set()

/**
 * `GET /api/v1/tickets/details`. Filters on ticket fields run in the store (so pages
 * are exact); `responderIds` and `responderVersionIds` match what `resolveDetails`
 * answers and so narrow the page after it is read (a page may then hold fewer than
 * `pageSize` tickets, and without a resolver nothing matches them).
 */
async function listTicketDetails(context: RouteContext): Promise<Response> {
  const query = validateInput(listTicketsQuerySchema, searchParamsToObject(context.url.searchParams, LIST_QUERY_ARRAY_KEYS), 'query')
  const { responderIds = [], responderVersionIds = [], ...filters } = query
  // Parsed once above, with the service's rules for each filter: handed over as the applied query.
  const page = await context.service.list(appliedListQuery({ ...filters, workspaceId: context.workspaceId }))
  let details = await Promise.all(page.result.map((ticket) => detailsOf(context, ticket)))
  if (responderIds.length > 0) details = details.filter((row) => row.responderId !== null && responderIds.includes(row.responderId))
  if (responderVersionIds.length > 0) {
    details = details.filter((row) => row.responderVersionId !== null && responderVersionIds.includes(row.responderVersionId))
  }
  return jsonResponse(details)
}

/** The ticket API read routes. */
export const ticketDetailsRoutes: readonly Route<RouteContext>[] = [
  { method: 'GET', path: '/api/v1/tickets/details', hasBody: false, handle: listTicketDetails },
  { method: 'GET', path: '/api/v1/tickets/{id}/details', hasBody: false, handle: getTicketDetails },
]
