/**
 * `ticket-events`: an event-sourced domain model for support tickets.
 *
 * The pure core — {@link handle}, {@link evolve}, {@link replay} — and the ticket
 * service ({@link createTicketService}) and catch-up subscriptions ({@link subscribe})
 * run unchanged in Node, Deno, Bun, browsers and edge runtimes: nothing here imports a
 * Node built-in. Stores come from their own entries (`ticket-events/memory`,
 * `ticket-events/sqlite`, `ticket-events/postgres`); the zod schemas behind every
 * input, and the limits they enforce, from `ticket-events/schemas`.
 *
 * This list is written by hand: a value is here because users call it. The API report
 * (`etc/ticket-events.api.md`) shows every export, and CI fails when it changes unseen.
 *
 * @module
 */

export { satisfactionScore } from './core/audit/satisfaction-score.js'
export { type AuditRecordV1, type StoredAuditRecord, upcastAudit } from './core/audit/upcast-audit.js'
export { parseCommand } from './core/commands/parse-command.js'
export { COMMAND_TYPES } from './core/commands/schemas.js'
export { type DerivedDraft, deriveChangeEvents } from './core/derive/derive-change-events.js'
// Errors.
export {
  isTicketError,
  type JetStreamErrorDetails,
  type MigrationErrorDetails,
  TicketError,
  type TicketErrorCode,
  type TicketErrorDetails,
  type TicketErrorDetailsByCode,
  type TicketErrorOf,
  type TicketErrorOptions,
  type TicketIssue,
} from './core/errors/ticket-error.js'
export { createIdFactory, type IdFactoryOptions } from './core/ids/ids.js'
export type * from './core/model/audit.js'
export { AUDIT_SCHEMA_VERSION } from './core/model/audit.js'
// The model: commands, tickets, events, audits.
export type * from './core/model/command.js'
export {
  type Actor,
  type DerivedEvent,
  type DerivedPayloads,
  type DerivedType,
  EVENT_TYPES,
  type EventMeta,
  type EventPayloads,
  type FactEvent,
  type FactPayloads,
  type FactType,
  type FieldChange,
  isDerivedType,
  type NewComment,
  type TicketEvent,
  type TicketEventType,
  type Via,
} from './core/model/event.js'
export type { JsonValue } from './core/model/json.js'
export {
  type Attachment,
  type Circumstance,
  type Csat,
  type Priority,
  type Sentiment,
  type SlaMetric,
  type SlaState,
  type SlaTarget,
  STATUS_TRANSITIONS,
  TICKET_SCHEMA_VERSION,
  type Ticket,
  type TicketComment,
  type TicketStatus,
  type TicketType,
} from './core/model/ticket.js'
export { evolve } from './core/reducer/evolve.js'
// The pure core: decide, fold, replay.
export { type HandleResult, handle } from './core/reducer/handle.js'
export type { HandleContext } from './core/reducer/handle-context.js'
export { FREEZES_BY_DEFAULT } from './core/reducer/immer-instances.js'
export { type ReplayOptions, replay } from './core/reducer/replay.js'
// Event versioning: the upcaster chain stored events are read through.
export type { EventUpcaster, StoredPayload } from './core/upcasting/event-upcaster.js'
export { EVENT_UPCASTERS } from './core/upcasting/event-upcasters.js'

// The service and the storage contract it drives.
export * from './service/index.js'
export type {
  AppendBatch,
  CommandRecord,
  CommandResult,
  ListTicketsQuery,
  LoadStreamAtOptions,
  PrunableTicketStore,
  PruneOptions,
  ReadAuditsQuery,
  ReadEventsQuery,
  StoreCapabilities,
  StoredStream,
  TicketSnapshot,
  TicketStore,
} from './store-contract/ticket-store.js'

// Catch-up subscriptions over the event log.
export * from './subscriptions/index.js'
