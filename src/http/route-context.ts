/// <reference lib="dom" />
import * as z from 'zod/mini'
import type { Actor, EventMeta } from '../core/model/event.js'
import type { Ticket } from '../core/model/ticket.js'
import type { TicketService } from '../service/ticket-service.js'
import { pathIdSchema } from './request-schemas.js'
import type { EventStreamHub } from './stream/event-stream-hub.js'
import type { EventStreamSettings } from './stream/open-event-stream.js'
import { validateInput } from './validate-input.js'
import { type IfMatch, versionETag } from './version-validator.js'
import type { TicketDetailsExtras } from './wire/ticket-details.js'

/** What `resolveDetails` is told besides the ticket. */
export interface ResolveDetailsContext {
  readonly workspaceId: string
  readonly request: Request
}

/**
 * Supplies the details fields that live outside the ticket (names, emails, pictures,
 * channel, chat owner, responder, pending messages). Called once per ticket, in
 * parallel for a list; batch your look-ups behind it if that matters.
 */
export type ResolveDetails = (
  ticket: Ticket,
  context: ResolveDetailsContext,
) => Partial<TicketDetailsExtras> | Promise<Partial<TicketDetailsExtras>>

/**
 * Everything a route needs, prepared by the handler: the route is matched, the
 * caller authenticated, and the body (for routes that take one) read and parsed.
 *
 * @internal
 */
export interface RouteContext {
  readonly request: Request
  readonly url: URL
  readonly params: Readonly<Record<string, string>>
  readonly workspaceId: string
  /** Who the authenticator says is calling, if it says. */
  readonly actor: Actor | undefined
  /** The `Idempotency-Key` header: the command's `meta.commandId`. */
  readonly idempotencyKey: string | undefined
  /** The `If-Match` header of a command route: the version the command must run on. */
  readonly ifMatch: IfMatch
  /** The parsed JSON body (`undefined` for routes without one). */
  readonly body: unknown
  readonly service: TicketService
  readonly resolveDetails: ResolveDetails | undefined
  /** The handler's shared poller and stream settings, for `GET /v2/system/events/stream`. */
  readonly eventStream: {
    readonly hub: EventStreamHub
    readonly settings: EventStreamSettings
    /** Told about a stream that failed after its response had started. */
    readonly onError: (error: unknown) => void
  }
}

/** One schema per path parameter name, made once: building a zod schema costs far more than using one. */
const pathIdSchemas = new Map<string, z.ZodMiniObject<Record<string, typeof pathIdSchema>>>()

/** A UUID path parameter, validated (`400` with the parameter's name as the issue path). */
export function pathId(context: RouteContext, name: string): string {
  let schema = pathIdSchemas.get(name)
  if (schema === undefined) {
    schema = z.object({ [name]: pathIdSchema })
    pathIdSchemas.set(name, schema)
  }
  return validateInput(schema, { [name]: context.params[name] }, 'path')[name] as string
}

/** A system actor for calls whose authenticator names nobody and whose body names no user. */
export const API_ACTOR: Actor = Object.freeze({ type: 'system', id: 'api' })

/**
 * The `meta` of a command sent through the API: `via.channel` is `api`, the actor is the
 * authenticated one (else `fallbackActor`, else {@link API_ACTOR}), and an
 * `Idempotency-Key` header becomes `commandId`.
 */
export function commandMeta(context: RouteContext, fallbackActor?: Actor): EventMeta {
  return {
    actor: context.actor ?? fallbackActor ?? API_ACTOR,
    via: { channel: 'api' },
    ...(context.idempotencyKey === undefined ? {} : { commandId: context.idempotencyKey }),
  }
}

/**
 * The options of `execute` for a command route: `If-Match` becomes the expected version.
 * (A repeated `Idempotency-Key` still returns its first result: the service looks the
 * command up before it compares versions.)
 */
export function executeOptions(context: RouteContext): { readonly expectedVersion?: number } {
  return context.ifMatch.sent && context.ifMatch.version !== undefined ? { expectedVersion: context.ifMatch.version } : {}
}

/** A `200` JSON response answering a ticket at `version`, with that version as its `ETag`. */
export function ticketResponse(data: unknown, version: number, headers: Record<string, string> = {}): Response {
  return jsonResponse(data, { headers: { etag: versionETag(version), ...headers } })
}

/** A `200` JSON response. */
export function jsonResponse(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...init.headers },
  })
}
