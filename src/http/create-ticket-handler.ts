/// <reference lib="dom" />
import * as z from 'zod/mini'
import { safeParseWithMessages } from '../core/commands/parse-command.js'
import { actorSchema, identifierSchema, uuidSchema } from '../core/commands/schemas.js'
import type { Actor } from '../core/model/event.js'
import type { TicketService } from '../service/ticket-service.js'
import { errorToResponse, HttpProblem } from './problem.js'
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './read-json-body.js'
import type { ResolveDetails, RouteContext } from './route-context.js'
import { matchRoute, type Route } from './router.js'
import { systemEventsRoutes } from './routes/system-events.js'
import { systemEventsStreamRoutes } from './routes/system-events-stream.js'
import { ticketAuditsRoutes } from './routes/ticket-audits.js'
import { ticketCommandRoutes } from './routes/ticket-commands.js'
import { ticketDetailsRoutes } from './routes/ticket-details.js'
import { createEventStreamHub } from './stream/event-stream-hub.js'
import type { EventStreamSettings } from './stream/open-event-stream.js'
import { validateInput } from './validate-input.js'
import { type IfMatch, preconditionFailure, readIfMatch } from './version-validator.js'

/** Who is calling: the workspace every route is scoped to, and optionally the actor recorded on commands. */
export interface TicketAuthentication {
  readonly workspaceId: string
  /** Recorded as `meta.actor` of every command; without it the route picks one (see the docs). */
  readonly actor?: Actor
}

/**
 * Resolves the `Authorization` header to a workspace, or `null` to refuse the call
 * with `401`. Runs for every matched route; the header is always present (a request
 * without one is refused before this is called).
 */
export type Authenticate = (authorization: string, request: Request) => TicketAuthentication | null | Promise<TicketAuthentication | null>

/** Options of {@link createTicketHandler}. */
export interface TicketHandlerOptions {
  /** The ticket service the routes run against. */
  readonly service: TicketService
  /** Maps the `Authorization` header to a workspace (see {@link Authenticate}). */
  readonly authenticate: Authenticate
  /** Supplies the details fields that live outside the ticket; without it they take their defaults. */
  readonly resolveDetails?: ResolveDetails
  /** The largest request body accepted, in bytes (default 1 MiB); larger is `413`. */
  readonly maxBodyBytes?: number
  /** A prefix the routes live under, like `/tickets` (default: none). */
  readonly basePath?: string
  /**
   * Told about every unexpected error (the caller gets a bare `500`) and every store
   * failure (`UNAVAILABLE`, answered with a `503` that names no server). Defaults to
   * `console.error`; pass your logger.
   */
  readonly onError?: (error: unknown, request: Request) => void
  /** Settings of `GET /v2/system/events/stream` (see {@link EventStreamOptions}). */
  readonly eventStream?: EventStreamOptions
}

/**
 * Settings of the live stream, `GET /v2/system/events/stream`. The defaults suit production;
 * tests shorten them.
 */
export interface EventStreamOptions {
  /** Milliseconds between heartbeat comments on an idle stream (default 15 000). */
  readonly heartbeatMs?: number
  /**
   * Milliseconds the handler's one shared poller waits, once it has read to the head of the
   * log, before it reads again (default 1 000): the most a new event waits before it is sent.
   */
  readonly pollIntervalMs?: number
  /** The reconnect delay told to clients in the stream's `retry:` field, in milliseconds (default 3 000). */
  readonly retryMs?: number
  /**
   * Events queued for a client that does not read them, or held for a client still catching
   * up, before the server ends its stream (default 10 000); the client reconnects with
   * `Last-Event-ID` and carries on from there by its own reads.
   */
  readonly maxBacklog?: number
}

/** The defaults of {@link EventStreamOptions}. */
export const EVENT_STREAM_DEFAULTS: Readonly<Required<EventStreamOptions>> = Object.freeze({
  heartbeatMs: 15_000,
  pollIntervalMs: 1_000,
  retryMs: 3_000,
  maxBacklog: 10_000,
})

/** A Web-standard request handler: the shape of `fetch` handlers in Deno, Bun, workers and edge runtimes. */
export type TicketHandler = (request: Request) => Promise<Response>

const optionsSchema = z.object({
  service: z.custom<TicketService>(
    (value: unknown) => typeof value === 'object' && value !== null && typeof (value as TicketService).execute === 'function',
    { error: 'Expected a ticket service' },
  ),
  authenticate: z.custom<Authenticate>((value: unknown) => typeof value === 'function', { error: 'Expected a function' }),
  resolveDetails: z.optional(z.custom<ResolveDetails>((value: unknown) => typeof value === 'function', { error: 'Expected a function' })),
  maxBodyBytes: z.optional(z.int().check(z.positive())),
  basePath: z.optional(z.string().check(z.regex(/^(\/[^/?#]+)*\/?$/, { error: 'Expected a path like /tickets' }))),
  onError: z.optional(z.custom<(error: unknown, request: Request) => void>((value: unknown) => typeof value === 'function')),
  eventStream: z.optional(
    z.strictObject({
      heartbeatMs: z.optional(z.int().check(z.positive())),
      pollIntervalMs: z.optional(z.int().check(z.positive())),
      retryMs: z.optional(z.int().check(z.minimum(0))),
      maxBacklog: z.optional(z.int().check(z.positive())),
    }),
  ),
})

// The workspace id is lower-cased like every UUID, so an authenticator answering `ABC…`
// scopes the caller to the same workspace as one answering `abc…`.
const authenticationSchema = z.object({ workspaceId: uuidSchema, actor: z.optional(actorSchema) })
// The key becomes the command's `meta.commandId`, an identifier.
const idempotencyKeySchema = z.object({ 'idempotency-key': z.optional(identifierSchema()) })

const routes: readonly Route<RouteContext>[] = [
  ...ticketCommandRoutes,
  ...ticketDetailsRoutes,
  ...ticketAuditsRoutes,
  ...systemEventsRoutes,
  ...systemEventsStreamRoutes,
]

/**
 * Creates a Web-standard `fetch` handler serving the ticket API routes, a ticket's
 * audit trail, the events API route and its live Server-Sent Events stream
 * (`GET /v2/system/events/stream`, served to every client from one shared poller) over a
 * {@link TicketService}. It uses only `Request`,
 * `Response`, `URL` and Web Crypto, so it runs unchanged on Node (behind a small
 * adapter), Deno, Bun, Cloudflare Workers and other edge runtimes.
 *
 * Every route needs an `Authorization` header and is scoped to the workspace
 * `authenticate` returns: another workspace's ticket is `404`. Errors are RFC 9457
 * `application/problem+json` documents with a `code` and, for `400`, the `issues`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { memoryStore } from 'ticket-events/memory'
 * import { createTicketHandler } from 'ticket-events/http'
 *
 * const keys = new Map([['secret-key', '3b241101-e2bb-4255-8caf-4136c566a962']])
 * const handler = createTicketHandler({
 *   service: createTicketService({ store: memoryStore() }),
 *   authenticate: (authorization) => {
 *     const workspaceId = keys.get(authorization)
 *     return workspaceId ? { workspaceId } : null
 *   },
 * })
 * export default { fetch: handler } // Deno, Bun, Workers
 * ```
 */
export function createTicketHandler(options: TicketHandlerOptions): TicketHandler {
  validateInput(optionsSchema, options, 'ticket handler options')
  const { service, authenticate, resolveDetails } = options
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const basePath = (options.basePath ?? '').replace(/\/$/, '')
  const onError = options.onError ?? ((error: unknown) => console.error('ticket-events/http: request failed', error))
  const { pollIntervalMs, ...streamSettings } = { ...EVENT_STREAM_DEFAULTS, ...options.eventStream }
  const settings: EventStreamSettings = streamSettings
  // One poller for every stream this handler serves, whatever their filters.
  const hub = createEventStreamHub(service, { pollIntervalMs })

  return async function handleTicketRequest(request: Request): Promise<Response> {
    let instance = '/'
    let ifMatch: IfMatch = { sent: false }
    try {
      const url = new URL(request.url)
      instance = url.pathname
      const match = matchRoute(routes, request.method.toUpperCase(), stripBasePath(url.pathname, basePath))
      if (match.kind === 'not-found') {
        throw new HttpProblem({ title: 'Not found', status: 404, detail: `No route for ${url.pathname}.`, code: 'ROUTE_NOT_FOUND' })
      }
      if (match.kind === 'method-not-allowed') {
        throw new HttpProblem(
          {
            title: 'Method not allowed',
            status: 405,
            detail: `${request.method} is not allowed on ${url.pathname}; use ${match.allow.join(', ')}.`,
            code: 'METHOD_NOT_ALLOWED',
          },
          { allow: match.allow.join(', ') },
        )
      }
      const caller = await authenticateRequest(authenticate, request)
      const { 'idempotency-key': idempotencyKey } = validateInput(
        idempotencyKeySchema,
        { 'idempotency-key': request.headers.get('idempotency-key') ?? undefined },
        'headers',
      )
      // Only commands take a precondition; a read ignores If-Match (RFC 9110 lets a GET answer as usual).
      if (match.route.method !== 'GET') ifMatch = readIfMatch(request)
      const body = match.route.hasBody ? await readJsonBody(request, maxBodyBytes) : undefined
      return await match.route.handle({
        request,
        url,
        params: match.params,
        workspaceId: caller.workspaceId,
        actor: caller.actor,
        idempotencyKey,
        ifMatch,
        body,
        service,
        resolveDetails,
        eventStream: { hub, settings, onError: (error: unknown) => onError(error, request) },
      })
    } catch (error) {
      // A version conflict is `412` when the client stated the version (If-Match), `409` otherwise.
      return errorToResponse(preconditionFailure(error, ifMatch), instance, (unexpected) => onError(unexpected, request))
    }
  }
}

/** The path below `basePath`, or a path no route matches when it lies outside. */
function stripBasePath(pathname: string, basePath: string): string {
  if (basePath === '') return pathname
  if (pathname === basePath || pathname.startsWith(`${basePath}/`)) return pathname.slice(basePath.length) || '/'
  return '/\0outside-base-path'
}

async function authenticateRequest(authenticate: Authenticate, request: Request): Promise<TicketAuthentication> {
  const authorization = request.headers.get('authorization')
  const unauthorized = (detail: string) =>
    new HttpProblem({ title: 'Unauthorized', status: 401, detail, code: 'UNAUTHORIZED' }, { 'www-authenticate': 'ApiKey' })
  if (authorization === null || authorization.trim() === '') throw unauthorized('Send your API key in the Authorization header.')
  const result = await authenticate(authorization, request)
  if (result === null) throw unauthorized('The API key in the Authorization header is not valid.')
  const parsed = safeParseWithMessages(authenticationSchema, result)
  if (!parsed.success) {
    // The authenticator is server code: a bad answer is a bug on our side, not the caller's.
    throw new Error(`authenticate() returned an invalid result: ${parsed.error.message}`)
  }
  return {
    workspaceId: parsed.data.workspaceId,
    ...(parsed.data.actor === undefined ? {} : { actor: parsed.data.actor }),
  }
}
