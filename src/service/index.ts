/**
 * The ticket service: {@link createTicketService} over any `TicketStore`, and the
 * zod schemas of its read queries (shared with the HTTP layer).
 *
 * @module
 */
export {
  createTicketService,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_SNAPSHOT_EVERY,
  DEFAULT_UNAVAILABLE_RETRY,
} from './create-ticket-service.js'
export {
  DEFAULT_EVENTS_LIMIT,
  DEFAULT_PAGE_SIZE,
  type EventsQueryInput,
  eventsQuerySchema,
  type ListQueryInput,
  listQuerySchema,
  MAX_EVENTS_LIMIT,
  MAX_FILTER_IDS,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
} from './query-schemas.js'
export type {
  AppliedEventsQuery,
  AppliedListQuery,
  EventsPage,
  TicketService,
  TicketServiceOptions,
  TicketsPage,
  UnavailableRetryOptions,
  WorkspaceScope,
} from './ticket-service.js'
