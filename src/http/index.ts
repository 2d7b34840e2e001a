/**
 * `ticket-events/http`: a Web-standard `fetch` handler serving the ticket API
 * routes, the events API route and its live Server-Sent Events stream over a ticket service.
 *
 * Runtime-neutral: it uses `Request`, `Response`, `URL` and Web Crypto only, no Node
 * built-ins. See `docs/http.md` for the routes, shapes and errors.
 *
 * @module
 */
export {
  type Authenticate,
  createTicketHandler,
  EVENT_STREAM_DEFAULTS,
  type EventStreamOptions,
  type TicketAuthentication,
  type TicketHandler,
  type TicketHandlerOptions,
} from './create-ticket-handler.js'
export { type HttpProblemCode, type ProblemDetails, problemType } from './problem.js'
export { DEFAULT_MAX_BODY_BYTES } from './read-json-body.js'
export { API_ACTOR, type ResolveDetails, type ResolveDetailsContext } from './route-context.js'
export { DETAILS_DEFAULTS, type TicketDetails, type TicketDetailsExtras, toTicketDetails } from './wire/ticket-details.js'
export { type TicketRecord, toTicketRecord } from './wire/ticket-record.js'
export { toWireAudit, type WireAudit, type WireAuditsPage, type WireAuditsQuery } from './wire/wire-audit.js'
export { toWireEvent, type WireEvent, type WireEventsPage, type WireEventsQuery } from './wire/wire-event.js'
