import type { Audit } from '../../core/model/audit.js'

/**
 * One audit record in its wire form: the record's own keys in snake_case, as
 * Zendesk-style ticket audits name them; its events are already in that form.
 */
export interface WireAudit {
  readonly id: string
  readonly ticket_id: string
  /** The ticket's version after the command the audit describes. */
  readonly version: number
  readonly created_at: string
  readonly author_id: string | null
  readonly via: Audit['via']
  /** The ids of the stored events the audit describes. */
  readonly event_ids: readonly string[]
  readonly events: Audit['events']
}

/** The applied query of `GET /api/v1/tickets/{id}/audits`, with its defaults filled in. */
export interface WireAuditsQuery {
  readonly limit: number
  readonly after_id?: string
}

/** The answer of `GET /api/v1/tickets/{id}/audits`. */
export interface WireAuditsPage {
  readonly query: WireAuditsQuery
  readonly result: readonly WireAudit[]
}

/** Renders an audit record in its wire form. */
export function toWireAudit(audit: Audit): WireAudit {
  return {
    id: audit.id,
    ticket_id: audit.ticketId,
    version: audit.version,
    created_at: audit.createdAt,
    author_id: audit.authorId,
    via: audit.via,
    event_ids: audit.eventIds,
    events: audit.events,
  }
}
