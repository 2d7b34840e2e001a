import type { DeadLetter } from './delivery-store.js'

/** A dead letter as the SQL stores read it back (BIGINTs may come back as strings). @internal */
export interface DeadLetterRow {
  readonly endpoint_id: string
  readonly event_id: string
  readonly ticket_id: string
  readonly type: string
  readonly attempts: number | string
  readonly last_status: number | string | null
  readonly last_error: string | null
  readonly first_attempt_at: number | string | bigint
  readonly dead_at: number | string | bigint
  readonly body: string
}

/** The columns in insert order, with {@link deadLetterValues}. @internal */
export const DEAD_LETTER_COLUMNS =
  'endpoint_id, event_id, ticket_id, type, attempts, last_status, last_error, first_attempt_at, dead_at, body'

/** A dead letter's values in {@link DEAD_LETTER_COLUMNS} order. @internal */
export function deadLetterValues(letter: DeadLetter): unknown[] {
  return [
    letter.endpointId,
    letter.eventId,
    letter.ticketId,
    letter.type,
    letter.attempts,
    letter.lastStatus,
    letter.lastError,
    letter.firstAttemptAt,
    letter.deadAt,
    letter.body,
  ]
}

/** Reads a row back. @internal */
export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    ticketId: row.ticket_id,
    type: row.type,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    firstAttemptAt: Number(row.first_attempt_at),
    deadAt: Number(row.dead_at),
    body: row.body,
  }
}
