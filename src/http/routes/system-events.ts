import { eventsQuerySchema } from '../request-schemas.js'
import { jsonResponse, type RouteContext } from '../route-context.js'
import type { Route } from '../router.js'
import { searchParamsToObject } from '../search-params.js'
import { validateInput } from '../validate-input.js'
import { toWireEvent, type WireEventsPage, type WireEventsQuery } from '../wire/wire-event.js'

/**
 * `GET /v2/system/events` (the events API): a page of the caller's workspace's events in the
 * global order. Page on by passing the last `id` as `after_id`.
 */
async function listSystemEvents(context: RouteContext): Promise<Response> {
  const query = validateInput(eventsQuerySchema, searchParamsToObject(context.url.searchParams, new Set()), 'query')
  const page = await context.service.events({
    workspaceId: context.workspaceId,
    ...(query.after_id === undefined ? {} : { afterId: query.after_id }),
    ...(query.occurred_after === undefined ? {} : { occurredAfter: query.occurred_after }),
    ...(query.type === undefined ? {} : { type: query.type }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  })
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
