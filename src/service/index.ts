/**
 * The ticket service: {@link createTicketService} over any `TicketStore`, and the types of
 * its options, inputs and answers.
 *
 * @module
 */
export { createTicketService } from './create-ticket-service.js'
export type {
  AppliedAuditsQuery,
  AppliedEventsQuery,
  AppliedListQuery,
  AuditsOptions,
  AuditsPage,
  EventsPage,
  EventsQuery,
  ExecuteOptions,
  ListQuery,
  LoadOptions,
  TicketService,
  TicketServiceOptions,
  TicketsPage,
  UnavailableRetryOptions,
  WorkspaceScope,
} from './ticket-service.js'
