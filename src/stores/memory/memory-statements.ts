/**
 * The memory store's queries over its tables: the global log with its filters, the
 * ticket list, and the command records.
 *
 * @internal
 * @module
 */
import type { Audit } from '../../core/model/audit.js'
import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import type { CommandResult, ListTicketsQuery, ReadAuditsQuery, ReadEventsQuery } from '../../store-contract/ticket-store.js'
import { canonicalTime } from '../shared/canonical-time.js'
import { cursorEventId, visibleCursor } from '../shared/event-cursor.js'
import { unknownAuditCursorError } from '../shared/store-errors.js'
import { commandKey, type MemoryTables, type StoredTicket } from './memory-schema.js'

/** A page of the log in append order, after `afterId` and with the query's filters. */
export function readEvents({ log, positions }: MemoryTables, query: ReadEventsQuery): TicketEvent[] {
  let start = 0
  if (query.afterId !== undefined) {
    const position = positions.get(cursorEventId(query.afterId))
    const found = position === undefined ? undefined : { position, workspaceId: (log[position] as TicketEvent).workspaceId }
    start = visibleCursor(query.afterId, found, query.workspaceId).position + 1
  }
  const occurredAfter = query.occurredAfter === undefined ? undefined : canonicalTime(query.occurredAfter)
  const page: TicketEvent[] = []
  for (let index = start; index < log.length && page.length < query.limit; index++) {
    const event = log[index] as TicketEvent
    if (query.workspaceId !== undefined && event.workspaceId !== query.workspaceId) continue
    if (query.type !== undefined && event.type !== query.type) continue
    // Both sides are `toISOString()` output, so text order is time order.
    if (occurredAfter !== undefined && event.occurredAt <= occurredAfter) continue
    page.push(event)
  }
  return page
}

/**
 * A page of one ticket's audits. They are kept in append order, which is version order
 * (appends to a ticket are serialised by its expected version); `null` for a missing
 * ticket or one outside the query's workspace.
 */
export function readAudits({ tickets }: MemoryTables, query: ReadAuditsQuery): Audit[] | null {
  const ticket = tickets.get(query.ticketId)
  if (ticket === undefined || (query.workspaceId !== undefined && ticket.workspaceId !== query.workspaceId)) return null
  let start = 0
  if (query.afterId !== undefined) {
    const index = ticket.auditPositions.get(query.afterId.toUpperCase())
    if (index === undefined) throw unknownAuditCursorError(query.afterId, query.ticketId)
    start = index + 1
  }
  return ticket.audits.slice(start, start + query.limit)
}

/** A page of one workspace's projection rows, newest `createdAt` first. */
export function listTickets({ tickets, workspaces }: MemoryTables, query: ListTicketsQuery): Ticket[] {
  const search = query.search?.toLowerCase()
  const matches: Ticket[] = []
  for (const ticketId of workspaces.get(query.workspaceId) ?? []) {
    const ticket = (tickets.get(ticketId) as StoredTicket).state
    if (!query.includeRemoved && (ticket.archived || ticket.deleted)) continue
    if (query.status !== undefined && ticket.status !== query.status) continue
    if (query.assigneeIds.length > 0 && (ticket.assigneeId === null || !query.assigneeIds.includes(ticket.assigneeId))) continue
    if (query.chatIds.length > 0 && !query.chatIds.includes(ticket.chatId)) continue
    if (query.tagIds.length > 0 && !ticket.tags.some((tag) => query.tagIds.includes(tag))) continue
    if (search !== undefined && !(ticket.summary ?? '').toLowerCase().includes(search)) continue
    matches.push(ticket)
  }
  matches.sort(newestFirst)
  const from = (query.pageNumber - 1) * query.pageSize
  return matches.slice(from, from + query.pageSize)
}

/** The remembered result of a command recorded at or after `notBefore`, or `null`. */
export function findCommand({ commands }: MemoryTables, ticketId: string, commandId: string, notBefore: string): CommandResult | null {
  const record = commands.get(commandKey(ticketId, commandId))
  return record !== undefined && record.recordedAt >= canonicalTime(notBefore) ? record.result : null
}

/** Deletes the command records recorded before `before` (canonical ISO time); returns how many. */
export function pruneCommands({ commands }: MemoryTables, before: string): number {
  let pruned = 0
  for (const [key, record] of commands) {
    if (record.recordedAt < before) {
      commands.delete(key)
      pruned++
    }
  }
  return pruned
}

/** Newest `createdAt` first; tickets created in the same millisecond by id. */
function newestFirst(left: Ticket, right: Ticket): number {
  if (left.createdAt !== right.createdAt) return left.createdAt < right.createdAt ? 1 : -1
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0
}
