import type { Audit, AuditRecordV1, TicketEvent } from '../../src/index.js'

/**
 * An audit record as ticket-events 0.2 and before wrote it (audit schema version 1): no
 * `schemaVersion`, no ticket `version`, no event ids, custom fields under their bare id,
 * and the CSAT score as the number from the `ticket:csat:received` event.
 */
export function toAuditV1(audit: Audit, events: readonly TicketEvent[]): AuditRecordV1 {
  const { schemaVersion: _schemaVersion, version: _version, events: entries, ...rest } = audit
  const received = events.find((event) => event.type === 'ticket:csat:received')
  return {
    ...rest,
    events: entries.map(({ id: _id, ...entry }) => {
      if ((entry.type === 'Create' || entry.type === 'Change') && entry.field_name.startsWith('custom_fields.')) {
        return { ...entry, field_name: entry.field_name.slice('custom_fields.'.length) }
      }
      if (entry.type === 'SatisfactionRating' && received?.type === 'ticket:csat:received')
        return { ...entry, score: received.payload.score }
      return entry
    }),
  } as AuditRecordV1
}
