import type { JsonValue } from './json.js'
import type { Attachment, Priority, Sentiment, SlaMetric, SlaTarget, Ticket, TicketComment, TicketStatus, TicketType } from './ticket.js'

/** Who issued a command. */
export interface Actor {
  readonly type: 'user' | 'agent' | 'system'
  readonly id: string
}

/**
 * How a change reached the system, in the `via` shape of Zendesk-style ticket audits.
 * Optional fields accept `undefined` because commands carry this shape as sent.
 */
export interface Via {
  readonly channel: string
  readonly source?:
    | {
        readonly from?: { readonly [key: string]: JsonValue } | undefined
        readonly to?: { readonly [key: string]: JsonValue } | undefined
        readonly rel?: string | null | undefined
      }
    | undefined
}

/** Tracing data carried by every stored event. Absent values are left out. */
export interface EventMeta {
  /** The idempotency key of the command that produced the event. */
  readonly commandId?: string
  readonly actor?: Actor
  readonly via?: Via
  /** For a derived event: the id of the `ticket:updated` it was computed from. */
  readonly causationId?: string
  readonly correlationId?: string
  /**
   * The schema version of this event's payload shape (see `EVENT_UPCASTERS`). Absent
   * means 1, the shape the type was first stored in. Events read through the service are
   * always in their type's current shape, with the current version here.
   */
  readonly schemaVersion?: number
}

/** One field's change inside a `ticket:updated` event. */
export type FieldChange =
  | { readonly field: 'status'; readonly from: TicketStatus; readonly to: TicketStatus }
  | { readonly field: 'assigneeId' | 'ticketingTeamId' | 'summary'; readonly from: string | null; readonly to: string | null }
  | { readonly field: 'priority'; readonly from: Priority | null; readonly to: Priority | null }
  | { readonly field: 'type'; readonly from: TicketType | null; readonly to: TicketType | null }
  | { readonly field: 'sentiment'; readonly from: Sentiment | null; readonly to: Sentiment | null }
  | { readonly field: 'escalated'; readonly from: boolean; readonly to: boolean }
  | { readonly field: 'tags'; readonly from: readonly string[]; readonly to: readonly string[] }
  /** A custom field; `null` means absent. */
  | { readonly field: 'customFields'; readonly key: string; readonly from: JsonValue | null; readonly to: JsonValue | null }

/** The comment as first added (reactions empty, no redactions). */
export type NewComment = Omit<TicketComment, 'reactions' | 'redactions' | 'updatedAt'>

/** Payload of every fact: the events state is folded from. */
export interface FactPayloads {
  /** The whole ticket as created (its `version` is 1). */
  'ticket:created': { readonly ticket: Ticket }
  'ticket:updated': { readonly changes: readonly FieldChange[]; readonly reason?: string }
  'ticket:deleted': Record<string, never>
  'ticket:archived': Record<string, never>
  'ticket:unarchived': Record<string, never>
  'ticket:comment:added': { readonly comment: NewComment }
  'ticket:comment:updated': {
    readonly commentId: string
    readonly body: string
    readonly htmlBody: string | null
    readonly previousBody: string
    readonly previousHtmlBody: string | null
    readonly attachments?: readonly Attachment[]
  }
  'ticket:comment:deleted': { readonly commentId: string }
  'ticket:comment:reaction:added': { readonly commentId: string; readonly emoji: string; readonly userId: string }
  'ticket:comment:reaction:removed': { readonly commentId: string; readonly emoji: string; readonly userId: string }
  /** Carries the bodies after redaction, never the redacted text itself. */
  'ticket:comment:redacted': { readonly commentId: string; readonly body: string; readonly htmlBody: string | null }
  'ticket:comment:privacy_changed': { readonly commentId: string; readonly public: boolean }
  'ticket:csat:sent': { readonly surveyId: string }
  'ticket:csat:received': { readonly surveyId: string; readonly score: number; readonly comment: string | null }
  'ticket:sla:breached': { readonly metric: SlaMetric; readonly target: SlaTarget; readonly at: string }
  'ticket:sla:breach_warning': { readonly metric: SlaMetric; readonly target: SlaTarget; readonly at: string }
  'ticket:viewed': { readonly userId: string }
}

/** Payload of every derived change event, computed from a `ticket:updated`. */
export interface DerivedPayloads {
  'ticket:status:changed': { readonly from: TicketStatus; readonly to: TicketStatus }
  'ticket:priority:changed': { readonly from: Priority | null; readonly to: Priority | null }
  'ticket:assigned': { readonly from: string | null; readonly to: string | null }
  'ticket:type:changed': { readonly from: TicketType | null; readonly to: TicketType | null }
  'ticket:sentiment:changed': { readonly from: Sentiment | null; readonly to: Sentiment | null }
  'ticket:escalated': { readonly reason?: string }
  'ticket:migrated': { readonly from: string | null; readonly to: string | null }
  'ticket:custom_field_value:added': { readonly fieldId: string; readonly value: JsonValue }
  'ticket:custom_field_value:removed': { readonly fieldId: string; readonly previousValue: JsonValue }
  'ticket:custom_field_value:changed': { readonly fieldId: string; readonly value: JsonValue; readonly previousValue: JsonValue }
  'ticket:tag:updated': { readonly added: readonly string[]; readonly removed: readonly string[] }
}

export type EventPayloads = FactPayloads & DerivedPayloads
export type FactType = keyof FactPayloads
export type DerivedType = keyof DerivedPayloads
export type TicketEventType = keyof EventPayloads

/** Every fact type, in catalogue order. */
export const FACT_TYPES = [
  'ticket:created',
  'ticket:updated',
  'ticket:deleted',
  'ticket:archived',
  'ticket:unarchived',
  'ticket:comment:added',
  'ticket:comment:updated',
  'ticket:comment:deleted',
  'ticket:comment:reaction:added',
  'ticket:comment:reaction:removed',
  'ticket:comment:redacted',
  'ticket:comment:privacy_changed',
  'ticket:csat:sent',
  'ticket:csat:received',
  'ticket:sla:breached',
  'ticket:sla:breach_warning',
  'ticket:viewed',
] as const satisfies readonly FactType[]

/** Every derived change event type, in the order they are emitted after a `ticket:updated`. */
export const DERIVED_TYPES = [
  'ticket:status:changed',
  'ticket:priority:changed',
  'ticket:assigned',
  'ticket:type:changed',
  'ticket:sentiment:changed',
  'ticket:escalated',
  'ticket:migrated',
  'ticket:custom_field_value:added',
  'ticket:custom_field_value:removed',
  'ticket:custom_field_value:changed',
  'ticket:tag:updated',
] as const satisfies readonly DerivedType[]

/** Every event type the library emits. */
export const EVENT_TYPES: readonly TicketEventType[] = [...FACT_TYPES, ...DERIVED_TYPES]

const derivedTypeSet: ReadonlySet<string> = new Set(DERIVED_TYPES)

/** Tells whether an event type is a derived change event (folded for its version only). */
export function isDerivedType(type: string): type is DerivedType {
  return derivedTypeSet.has(type)
}

/**
 * A stored event. `id` is a ULID, monotonic within a batch; `version` is per ticket,
 * 1-based and contiguous; `occurredAt` is ISO-8601 UTC.
 */
export type TicketEvent<T extends TicketEventType = TicketEventType> = {
  [K in T]: {
    readonly id: string
    readonly type: K
    readonly ticketId: string
    readonly workspaceId: string
    readonly version: number
    readonly occurredAt: string
    readonly payload: EventPayloads[K]
    readonly meta: EventMeta
  }
}[T]

/** A fact: an event that state is folded from. */
export type FactEvent = TicketEvent<FactType>
/** A derived change event. */
export type DerivedEvent = TicketEvent<DerivedType>
