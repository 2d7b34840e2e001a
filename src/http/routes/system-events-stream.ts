/// <reference lib="dom" />
import { TicketError } from '../../core/errors/ticket-error.js'
import { eventsStreamWireQuerySchema, lastEventIdHeaderSchema } from '../request-schemas.js'
import type { RouteContext } from '../route-context.js'
import type { Route } from '../router.js'
import { searchParamsToObject } from '../search-params.js'
import { openEventStream } from '../stream/open-event-stream.js'
import { validateInput } from '../validate-input.js'

/**
 * `GET /v2/system/events/stream`: the caller's workspace's events as Server-Sent Events,
 * first those already in the log after the position, then each new one as it is appended.
 * The filters are the events API's (`after_id`, `occurred_after`, `type`); `Last-Event-ID`
 * (sent by a reconnecting client) wins over `after_id`. `limit` is refused: a stream has no
 * page size, and silently ignoring it would hide a client's mistake.
 */
async function streamSystemEvents(context: RouteContext): Promise<Response> {
  const params = context.url.searchParams
  if (params.has('limit')) {
    const message = 'A stream has no page size: leave out limit (GET /v2/system/events pages the log)'
    throw new TicketError('VALIDATION', `Invalid query: limit: ${message}.`, {
      issues: [{ path: ['limit'], message, code: 'unrecognized_keys' }],
    })
  }
  const wire = validateInput(eventsStreamWireQuerySchema, searchParamsToObject(params, new Set()), 'query')
  const { 'last-event-id': lastEventId } = validateInput(
    lastEventIdHeaderSchema,
    { 'last-event-id': emptyAsAbsent(context.request.headers.get('last-event-id')) },
    'headers',
  )
  const body = await openEventStream(
    {
      workspaceId: context.workspaceId,
      afterId: lastEventId ?? wire.after_id,
      occurredAfter: wire.occurred_after,
      type: wire.type,
    },
    {
      service: context.service,
      hub: context.eventStream.hub,
      settings: context.eventStream.settings,
      onError: context.eventStream.onError,
      signal: context.request.signal,
    },
  )
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Tells nginx-style proxies to pass each event on at once instead of buffering the stream.
      'x-accel-buffering': 'no',
    },
  })
}

/** An SSE client sends an empty `Last-Event-ID` before it has seen an id: that means none. */
function emptyAsAbsent(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value
}

/** The live stream of the events API. */
export const systemEventsStreamRoutes: readonly Route<RouteContext>[] = [
  { method: 'GET', path: '/v2/system/events/stream', hasBody: false, handle: streamSystemEvents },
]
