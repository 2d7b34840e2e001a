import { markParsed } from '../../core/commands/parsed-values.js'
import {
  assignCommandSchema,
  completeCommandSchema,
  createCommandSchema,
  tagCommandSchema,
  takeoverCommandSchema,
} from '../../core/commands/schemas.js'
import { TicketError } from '../../core/errors/ticket-error.js'
import { defaultNewId } from '../../core/ids/ids.js'
import { uuidFromUlid } from '../../core/ids/uuid-from-ulid.js'
import type { AssignCommand, CompleteCommand, TakeoverCommand, UntagCommand } from '../../core/model/command.js'
import type { Actor } from '../../core/model/event.js'
import { commandMeta, executeOptions, pathId, type RouteContext, ticketResponse } from '../route-context.js'
import type { Route } from '../router.js'
import { ticketIdForKey } from '../ticket-id-for-key.js'
import { commandFromBody } from '../validate-input.js'
import { toTicketRecord } from '../wire/ticket-record.js'

const user = (id: string): Actor => ({ type: 'user', id })

/**
 * `POST /api/v1/tickets`: creates a ticket in the caller's workspace. `If-Match` is
 * refused: there is no version to match before the ticket exists (`Idempotency-Key`
 * makes a create safe to repeat).
 */
async function createTicket(context: RouteContext): Promise<Response> {
  if (context.ifMatch.sent) {
    throw new TicketError('VALIDATION', 'Invalid headers: If-Match does not apply to creating a ticket, which has no version yet.', {
      issues: [{ path: ['if-match'], message: 'Not allowed on POST /api/v1/tickets; send Idempotency-Key instead', code: 'custom' }],
    })
  }
  const parsed = commandFromBody(createCommandSchema, context.body, {
    type: 'create',
    workspaceId: context.workspaceId,
    meta: commandMeta(context),
  })
  const ticketId =
    parsed.ticketId ??
    (context.idempotencyKey === undefined
      ? uuidFromUlid(defaultNewId())
      : await ticketIdForKey(context.workspaceId, context.idempotencyKey))
  // A parsed command and an id this route made (a UUID): still trusted as parsed.
  const command = parsed.ticketId === undefined ? markParsed({ ...parsed, ticketId }) : parsed
  const { state } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId })
  return ticketResponse(toTicketRecord(state), state.version, {
    location: `${context.url.pathname.replace(/\/$/, '')}/${state.id}/details`,
  })
}

type RecordRouteCommand = TakeoverCommand | AssignCommand | CompleteCommand

/**
 * A `PATCH /api/v1/tickets/{id}/…` route: builds the command of that `type` from the
 * body, runs it in the caller's workspace, and answers the ticket API record. `actor`
 * names the user the command speaks for, when the authentication named nobody.
 */
function ticketRecordRoute<C extends RecordRouteCommand>(
  type: C['type'],
  schema: Parameters<typeof commandFromBody<C>>[0],
  actor?: (command: C) => Actor,
): (context: RouteContext) => Promise<Response> {
  return async (context) => {
    const ticketId = pathId(context, 'id')
    const parsed = commandFromBody(schema, context.body, { type, meta: commandMeta(context) })
    // The fallback actor comes from a parsed field, so the command stays trusted as parsed.
    const command =
      context.actor === undefined && actor !== undefined
        ? markParsed({ ...parsed, meta: { ...parsed.meta, actor: actor(parsed) } })
        : parsed
    const { state } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId }, executeOptions(context))
    return ticketResponse(toTicketRecord(state), state.version)
  }
}

/** `PATCH /api/v1/tickets/{id}/takeover`: the assignee takes the pending ticket over. */
const takeoverTicket = ticketRecordRoute<TakeoverCommand>('takeover', takeoverCommandSchema, (command) => user(command.assigneeId))
/** `PATCH /api/v1/tickets/{id}/assignee`: changes (or, with `null`, clears) the assignee. */
const assignTicket = ticketRecordRoute<AssignCommand>('assign', assignCommandSchema)
/** `PATCH /api/v1/tickets/{id}/complete`: the user completes the ticket. */
const completeTicket = ticketRecordRoute<CompleteCommand>('complete', completeCommandSchema, (command) => user(command.userId))

/**
 * `POST /api/v1/tickets/{ticketId}/tags`: attaches a tag. Attaching a tag that is
 * already there changes nothing and still answers `200`; the ticket does not record
 * when each tag was added, so the times are then the ticket's last update.
 */
async function tagTicket(context: RouteContext): Promise<Response> {
  const ticketId = pathId(context, 'ticketId')
  const command = commandFromBody(tagCommandSchema, context.body, { type: 'tag', meta: commandMeta(context) })
  const { state, events } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId }, executeOptions(context))
  const at = events[0]?.occurredAt ?? state.updatedAt
  return ticketResponse({ createdAt: at, updatedAt: at, tagId: command.tagId, ticketId: state.id }, state.version)
}

/** `DELETE /api/v1/tickets/{ticketId}/tags/{tagId}`: removes a tag (a missing tag is not an error). */
async function untagTicket(context: RouteContext): Promise<Response> {
  const ticketId = pathId(context, 'ticketId')
  const tagId = pathId(context, 'tagId')
  // No body: the tag comes from the path, so the service validates the command.
  const command: UntagCommand = { type: 'untag', tagId, meta: commandMeta(context) }
  const { state, events } = await context.service.execute(ticketId, command, { workspaceId: context.workspaceId }, executeOptions(context))
  const message =
    events.length > 0 ? `Tag ${tagId} was removed from ticket ${ticketId}.` : `Tag ${tagId} was not on ticket ${ticketId}; nothing changed.`
  return ticketResponse({ message }, state.version)
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
