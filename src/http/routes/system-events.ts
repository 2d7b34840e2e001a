import { appliedEventsQuery } from '../../service/query-schemas.js'
import { eventsWireQuerySchema } from '../request-schemas.js'
import { jsonResponse, type RouteContext } from '../route-context.js'
import type { Route } from '../router.js'
import { searchParamsToObject } from '../search-params.js'
import { validateInput } from '../validate-input.js'
import { toWireEvent, type WireEventsPage, type WireEventsQuery } from '../wire/wire-event.js'

/**
 * `GET /v2/system/events` (the events API): a page of the caller's workspace's events in the
 * global order. Page on by passing the last `id` as `after_id`.
 *
 * The query is parsed once, in its wire form (with the service's own rules for each
 * filter), renamed to the service's applied query once, and handed over marked as parsed;
 * the answer's `query` is the wire form of what the service applied.
 */
async function listSystemEvents(context: RouteContext): Promise<Response> {
  const wire = validateInput(eventsWireQuerySchema, searchParamsToObject(context.url.searchParams, new Set()), 'query')
  const query = appliedEventsQuery({
    workspaceId: context.workspaceId,
    afterId: wire.after_id,
    occurredAfter: wire.occurred_after,
    type: wire.type,
    limit: wire.limit,
  })
  const page = await context.service.events(query)
  const applied: WireEventsQuery = {
    limit: page.query.limit,
    ...(page.query.afterId === undefined ? {} : { after_id: page.query.afterId }),
    ...(page.query.occurredAfter === undefined ? {} : { occurred_after: page.query.occurredAfter }),
    ...(page.query.type === undefined ? {} : { type: page.query.type }),
  }
  const body: WireEventsPage = { query: applied, result: page.result.map(toWireEvent) }
  return jsonResponse(body)
}

/** The events API route. */
export const systemEventsRoutes: readonly Route<RouteContext>[] = [
  { method: 'GET', path: '/v2/system/events', hasBody: false, handle: listSystemEvents },
]
