import { cloneJson, type JsonValue } from '../model/json.js'
import type { Ticket, TicketComment } from '../model/ticket.js'
import { IS_DEVELOPMENT_MODE } from '../runtime/development-mode.js'

/** `T` with every `readonly` removed, all the way down. */
export type DeepMutable<T> = T extends readonly (infer Item)[]
  ? DeepMutable<Item>[]
  : T extends object
    ? { -readonly [Key in keyof T]: DeepMutable<T[Key]> }
    : T

/** A ticket whose fields may be written: a private copy being folded into. */
export type MutableTicket = DeepMutable<Ticket>
export type MutableComment = DeepMutable<TicketComment>

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

// Frozen results catch accidental mutation in development and tests; in production
// (NODE_ENV=production, as bundlers and hosts set it) freezing is skipped, because it is
// pure overhead there. Results never share objects with events or inputs either way.
/** Whether states are deep-frozen: in development mode only (see {@link IS_DEVELOPMENT_MODE}). */
export const FREEZES_STATE = IS_DEVELOPMENT_MODE

/** Deep-freezes a state unless running in production (see {@link FREEZES_STATE}). */
export function freezeState<T>(value: T): T {
  return FREEZES_STATE ? deepFreeze(value) : value
}

/** Freezes a value and everything reachable from it, skipping parts already frozen. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}
