/**
 * The headers the relay sets on every message, besides `Nats-Msg-Id` (the event id).
 * They carry what consumers filter and route on, so a consumer can decide without
 * parsing the body.
 */
export const TICKET_EVENT_HEADERS = Object.freeze({
  /** The event type, e.g. `ticket:status:changed`. */
  type: 'Ticket-Event-Type',
  /** The ticket's id. */
  ticket: 'Ticket-Id',
  /** The ticket's workspace id. */
  workspace: 'Workspace-Id',
  /** The event's version in its ticket's stream (1-based, contiguous). */
  version: 'Ticket-Version',
  /** The partition, when the relay runs with `partitions`. */
  partition: 'Ticket-Partition',
} as const)

/** The header JetStream deduplicates on (within the stream's `duplicate_window`). */
export const MSG_ID_HEADER = 'Nats-Msg-Id'
