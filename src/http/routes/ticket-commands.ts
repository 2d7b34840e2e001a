import type * as z from 'zod/mini'
import { defaultNewId } from '../../core/ids/ids.js'
import { uuidFromUlid } from '../../core/ids/uuid-from-ulid.js'
import type { Actor } from '../../core/model/event.js'
import { assignBodySchema, completeBodySchema, createTicketBodySchema, tagBodySchema, takeoverBodySchema } from '../request-schemas.js'
import { commandMeta, jsonResponse, pathId, type RouteContext } from '../route-context.js'
import type { Route } from '../router.js'
import { ticketIdForKey } from '../ticket-id-for-key.js'
import { validateInput } from '../validate-input.js'
import { toTicketRecord } from '../wire/ticket-record.js'

const user = (id: string): Actor => ({ type: 'user', id })

/** `POST /api/v1/tickets`: creates a ticket in the caller's workspace. */
async function createTicket(context: RouteContext): Promise<Response> {
  const body = validateInput(createTicketBodySchema, context.body, 'request body')
  const ticketId =
    body.ticketId ??
    (context.idempotencyKey === undefined
      ? uuidFromUlid(defaultNewId())
      : await ticketIdForKey(context.workspaceId, context.idempotencyKey))
  const command = { ...body, type: 'create', ticketId, workspaceId: context.workspaceId, meta: commandMeta(context) }
  const { state } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId })
  return jsonResponse(toTicketRecord(state), { headers: { location: `${context.url.pathname.replace(/\/$/, '')}/${state.id}/details` } })
}

/**
 * A `PATCH /api/v1/tickets/{id}/…` route: validates the body, runs the command of that
 * `type` in the caller's workspace, and answers the ticket API record. `actor`
 * names the user the body speaks for, when the authentication named nobody.
 */
function ticketRecordRoute<S extends z.core.$ZodType<Record<string, unknown>>>(
  type: string,
  bodySchema: S,
  actor?: (body: z.output<S>) => Actor,
): (context: RouteContext) => Promise<Response> {
  return async (context) => {
    const ticketId = pathId(context, 'id')
    const body = validateInput(bodySchema, context.body, 'request body')
    const command = { ...body, type, meta: commandMeta(context, actor?.(body)) }
    const { state } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId })
    return jsonResponse(toTicketRecord(state))
  }
}

/** `PATCH /api/v1/tickets/{id}/takeover`: the assignee takes the pending ticket over. */
const takeoverTicket = ticketRecordRoute('takeover', takeoverBodySchema, (body) => user(body.assigneeId))
/** `PATCH /api/v1/tickets/{id}/assignee`: changes (or, with `null`, clears) the assignee. */
const assignTicket = ticketRecordRoute('assign', assignBodySchema)
/** `PATCH /api/v1/tickets/{id}/complete`: the user completes the ticket. */
const completeTicket = ticketRecordRoute('complete', completeBodySchema, (body) => user(body.userId))

/**
 * `POST /api/v1/tickets/{ticketId}/tags`: attaches a tag. Attaching a tag that is
 * already there changes nothing and still answers `200`; the ticket does not record
 * when each tag was added, so the times are then the ticket's last update.
 */
async function tagTicket(context: RouteContext): Promise<Response> {
  const ticketId = pathId(context, 'ticketId')
  const body = validateInput(tagBodySchema, context.body, 'request body')
  const command = { type: 'tag', ...body, meta: commandMeta(context) }
  const { state, events } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId })
  const at = events[0]?.occurredAt ?? state.updatedAt
  return jsonResponse({ createdAt: at, updatedAt: at, tagId: body.tagId, ticketId: state.id })
}

/** `DELETE /api/v1/tickets/{ticketId}/tags/{tagId}`: removes a tag (a missing tag is not an error). */
async function untagTicket(context: RouteContext): Promise<Response> {
  const ticketId = pathId(context, 'ticketId')
  const tagId = pathId(context, 'tagId')
  const command = { type: 'untag', tagId, meta: commandMeta(context) }
  const { events } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId })
  const message =
    events.length > 0 ? `Tag ${tagId} was removed from ticket ${ticketId}.` : `Tag ${tagId} was not on ticket ${ticketId}; nothing changed.`
  return jsonResponse({ message })
}

/** The ticket API command routes. */
export const ticketCommandRoutes: readonly Route<RouteContext>[] = [
  { method: 'POST', path: '/api/v1/tickets', hasBody: true, handle: createTicket },
  { method: 'PATCH', path: '/api/v1/tickets/{id}/takeover', hasBody: true, handle: takeoverTicket },
  { method: 'PATCH', path: '/api/v1/tickets/{id}/assignee', hasBody: true, handle: assignTicket },
  { method: 'PATCH', path: '/api/v1/tickets/{id}/complete', hasBody: true, handle: completeTicket },
  { method: 'POST', path: '/api/v1/tickets/{ticketId}/tags', hasBody: true, handle: tagTicket },
  { method: 'DELETE', path: '/api/v1/tickets/{ticketId}/tags/{tagId}', hasBody: false, handle: untagTicket },
]
