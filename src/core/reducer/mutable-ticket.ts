import type { Draft } from 'immer'
import { cloneJson, type JsonValue } from '../model/json.js'
import type { Ticket, TicketComment } from '../model/ticket.js'

/** A ticket whose fields may be written: an immer draft or a private copy. */
export type MutableTicket = Draft<Ticket>
export type MutableComment = Draft<TicketComment>

/** Deep-copies a comment into a private, writable object. */
export function cloneComment(comment: TicketComment): MutableComment {
  const reactions: Record<string, string[]> = {}
  for (const emoji of Object.keys(comment.reactions)) reactions[emoji] = [...(comment.reactions[emoji] ?? [])]
  return { ...comment, attachments: comment.attachments.map((attachment) => ({ ...attachment })), reactions }
}

/** Deep-copies a ticket into a private, writable object that shares nothing with its source. */
export function cloneTicket(ticket: Ticket): MutableTicket {
  const comments: Record<string, MutableComment> = {}
  for (const id of Object.keys(ticket.comments)) comments[id] = cloneComment(ticket.comments[id] as TicketComment)
  const sla: MutableTicket['sla'] = {}
  for (const metric of Object.keys(ticket.sla) as (keyof Ticket['sla'])[]) {
    const entry = ticket.sla[metric]
    if (entry) sla[metric] = { ...entry, target: { ...entry.target } }
  }
  return {
    ...ticket,
    tags: [...ticket.tags],
    customFields: cloneJson(ticket.customFields as JsonValue) as MutableTicket['customFields'],
    comments,
    csat: ticket.csat === null ? null : { ...ticket.csat },
    sla,
  }
}

/** Freezes a value and everything reachable from it, skipping parts already frozen. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}
