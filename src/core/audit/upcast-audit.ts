/**
 * Reading audit records written by earlier versions of the library: each stored shape is
 * brought up to {@link AUDIT_SCHEMA_VERSION} when it is read, so stored rows are never
 * rewritten.
 *
 * @module
 */
import { AUDIT_SCHEMA_VERSION, type Audit, type AuditEvent } from '../model/audit.js'
import type { JsonValue } from '../model/json.js'
import { SLA_METRICS } from '../model/ticket.js'
import { customFieldName } from './audit-field-names.js'
import { auditEventId } from './build-audit.js'
import { satisfactionScore } from './satisfaction-score.js'

/** An audit record as a store keeps it: the current shape, or an older one (version 1 has no `schemaVersion`). */
export type StoredAuditRecord = Audit | AuditRecordV1

/** The audit record of ticket-events 0.2 and before (schema version 1). */
export interface AuditRecordV1 {
  readonly id: string
  readonly schemaVersion?: 1
  readonly ticketId: string
  readonly createdAt: string
  readonly authorId: string | null
  readonly via: Audit['via']
  readonly eventIds: readonly string[]
  readonly events: readonly { readonly type: string; readonly [key: string]: JsonValue | undefined }[]
}

/**
 * The built-in `field_name`s of version 1 in the order one audit can hold them: a
 * command's `Create` events follow the first list, its `Change` events the second, and
 * custom fields (named by their bare id in version 1) always come after the built-in ones.
 */
const CREATE_ORDER = [
  'workspace_id',
  'chat_id',
  'status',
  'circumstance',
  'assignee_id',
  'ticketing_team_id',
  'summary',
  'priority',
  'type',
  'sentiment',
  'tags',
]
const CHANGE_ORDER = ['status', 'assignee_id', 'tags', 'escalated', 'ticketing_team_id', 'priority', 'type', 'sentiment', 'summary']
/** `Change` field names of version 1 that are an audit's only event when built in. */
const SOLE_CHANGE_FIELDS: ReadonlySet<string> = new Set(['deleted', 'archived', 'last_viewed_at', ...SLA_METRICS])

/**
 * Brings a stored audit record to the current shape ({@link AUDIT_SCHEMA_VERSION}). A
 * current record is returned as it is. A version 1 record gains the ticket `version` it
 * ends at (from the store, which keeps it beside the record), an id on each event
 * (`<auditId>.<n>`), `custom_fields.<id>` names for custom fields and the `good`/`bad`
 * rating for a numeric CSAT score.
 *
 * Version 1 named a custom field by its bare id. Built-in fields come first in an audit, in
 * a fixed order, so a name out of that order is a custom field; a custom field named like
 * a built-in one that stands where that built-in field could stand (say, an `update`
 * setting only a custom field `status`) cannot be told from it and reads as built-in.
 * This is a pure function.
 *
 * @param record - the record as stored (parsed JSON)
 * @param version - the ticket version the audit ends at, as the store keeps it
 */
export function upcastAudit(record: StoredAuditRecord, version: number): Audit {
  if (record.schemaVersion === AUDIT_SCHEMA_VERSION) return record
  const v1 = record as AuditRecordV1
  const createNames = new BuiltInOrder(CREATE_ORDER)
  const changeNames = new BuiltInOrder(CHANGE_ORDER)
  const events = v1.events.map((event, index): AuditEvent => {
    const id = auditEventId(v1.id, index)
    const fieldName = event['field_name']
    if (event.type === 'Create' && typeof fieldName === 'string') {
      return { ...event, id, field_name: createNames.isBuiltIn(fieldName) ? fieldName : customFieldName(fieldName) } as AuditEvent
    }
    if (event.type === 'Change' && typeof fieldName === 'string') {
      const builtIn =
        event['comment_id'] !== undefined ||
        (SOLE_CHANGE_FIELDS.has(fieldName) && v1.events.length === 1) ||
        changeNames.isBuiltIn(fieldName)
      return { ...event, id, field_name: builtIn ? fieldName : customFieldName(fieldName) } as AuditEvent
    }
    if (event.type === 'SatisfactionRating' && typeof event['score'] === 'number') {
      return { ...event, id, score: satisfactionScore(event['score']) } as AuditEvent
    }
    return { ...event, id } as AuditEvent
  })
  return {
    id: v1.id,
    schemaVersion: AUDIT_SCHEMA_VERSION,
    ticketId: v1.ticketId,
    version,
    createdAt: v1.createdAt,
    authorId: v1.authorId,
    via: v1.via,
    eventIds: v1.eventIds,
    events,
  }
}

/** Walks one audit's field names: a built-in name comes later in the order than the one before it, and before any custom one. */
class BuiltInOrder {
  #last = -1
  constructor(private readonly order: readonly string[]) {}

  isBuiltIn(fieldName: string): boolean {
    const position = this.order.indexOf(fieldName)
    if (position <= this.#last) {
      // Custom fields follow every built-in one: all that comes after this one is custom too.
      this.#last = Number.POSITIVE_INFINITY
      return false
    }
    this.#last = position
    return true
  }
}
