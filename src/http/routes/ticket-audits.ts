import { auditsWireQuerySchema } from '../request-schemas.js'
import { jsonResponse, pathId, type RouteContext } from '../route-context.js'
import type { Route } from '../router.js'
import { searchParamsToObject } from '../search-params.js'
import { validateInput } from '../validate-input.js'
import { toWireAudit, type WireAuditsPage, type WireAuditsQuery } from '../wire/wire-audit.js'

/**
 * `GET /api/v1/tickets/{id}/audits`: a page of the ticket's audit trail in ticket-version
 * order, in the wire form. Page on by passing the last `id` as `after_id`. Another
 * workspace's ticket is `404`, as is a missing one; a deleted ticket's audits are still
 * served (the trail is what is left to read of it).
 */
async function listTicketAudits(context: RouteContext): Promise<Response> {
  const ticketId = pathId(context, 'id')
  const wire = validateInput(auditsWireQuerySchema, searchParamsToObject(context.url.searchParams, new Set()), 'query')
  const page = await context.service.audits(
    ticketId,
    {
      ...(wire.after_id === undefined ? {} : { afterId: wire.after_id }),
      ...(wire.limit === undefined ? {} : { limit: wire.limit }),
    },
    { workspaceId: context.workspaceId },
  )
  const applied: WireAuditsQuery = {
    limit: page.query.limit,
    ...(page.query.afterId === undefined ? {} : { after_id: page.query.afterId }),
  }
  const body: WireAuditsPage = { query: applied, result: page.result.map(toWireAudit) }
  return jsonResponse(body)
}

/** The audit trail route. */
export const ticketAuditsRoutes: readonly Route<RouteContext>[] = [
  { method: 'GET', path: '/api/v1/tickets/{id}/audits', hasBody: false, handle: listTicketAudits },
]
