import { buildAudit } from '../audit/build-audit.js'
import { trustedOrParsedCommand } from '../commands/parse-command.js'
import { deriveChangeEvents } from '../derive/derive-change-events.js'
import { TicketError } from '../errors/ticket-error.js'
import { defaultNewId, defaultNow } from '../ids/ids.js'
import { uuidFromUlid } from '../ids/uuid-from-ulid.js'
import type { Audit } from '../model/audit.js'
import type { Command } from '../model/command.js'
import type { EventMeta, TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { LIBRARY_UPCASTING } from '../upcasting/event-upcasters.js'
import { decide, type FactDraft } from './decide.js'
import type { HandleContext } from './handle-context.js'
import { FREEZES_BY_DEFAULT } from './immer-instances.js'
import { produceTicket } from './produce-ticket.js'

/** What {@link handle} returns: the new state, the events to store, and the audit record. */
export interface HandleResult {
  /** The ticket after the command (the same object as the input when nothing changed). */
  readonly state: Ticket
  /** Facts and derived change events, in order; empty when the command changed nothing. */
  readonly events: readonly TicketEvent[]
  /** The audit record, or `null` when no events were emitted. */
  readonly audit: Audit | null
}

/**
 * Decides a command against a ticket's state. This is a pure function: no I/O, no
 * global state, and time and ids come from `ctx` (defaults: the system clock and a
 * monotonic ULID factory). The input state is never mutated.
 *
 * Steps: validate the command with zod, check the rules (missing, deleted, archived,
 * workflow transitions), emit the facts, append the derived change events right after
 * each `ticket:updated` (with `meta.causationId` = its id), fold the events into the
 * new state (one immer `produce` for the whole command: the new state shares every
 * part the events do not write with `state`), and describe the change as a
 * Zendesk-style audit record.
 *
 * The returned state is deep-frozen in development mode and left unfrozen in
 * production (`NODE_ENV=production`), unless `ctx.freeze` says otherwise; frozen or
 * not, treat it as a read-only value. Events never share objects with any state, so
 * editing an event (say, to redact it before logging) cannot change a state.
 *
 * A command that changes nothing (a tag already present, an assign to the current
 * assignee, an update to equal values) is accepted and returns no events.
 *
 * @param state - the ticket, or `null` when it does not exist yet
 * @param command - the command; validated first (JavaScript callers and data from the wire
 * may send anything), unless it is the result of `parseCommand`, which is trusted
 * @param ctx - the clock, the id source, and whether to freeze the result
 * @throws {TicketError} `VALIDATION`, `NOT_FOUND`, `ALREADY_EXISTS`, `DELETED`,
 * `ARCHIVED` or `INVALID_TRANSITION`; nothing else for bad input
 *
 * @example
 * ```ts
 * const { state, events } = handle(null, {
 *   type: 'create', workspaceId, chatId, ticketingTeamId: null, assigneeId: null, status: 'pending',
 * })
 * const next = handle(state, { type: 'takeover', assigneeId })
 * next.events.map((event) => event.type)
 * // → ['ticket:updated', 'ticket:status:changed', 'ticket:assigned']
 * ```
 */
export function handle(state: Ticket | null, command: Command, ctx: HandleContext = {}): HandleResult {
  return handleParsed(state, trustedOrParsedCommand(command), ctx)
}

/**
 * {@link handle} on a command this library has already validated: the service's path,
 * which parses each command once at its edge.
 *
 * @internal
 */
export function handleParsed(state: Ticket | null, parsed: Command, ctx: HandleContext): HandleResult {
  const newId = ctx.newId ?? defaultNewId
  const now = ctx.now ?? defaultNow
  let occurredAt: string | undefined
  const at = (): string => {
    occurredAt ??= isoTime(now())
    return occurredAt
  }

  const facts = decide(state, parsed, { occurredAt: at, newUuid: () => uuidFromUlid(newId()) })
  if (facts.length === 0) {
    // decide() only returns nothing for a command on an existing ticket.
    return { state: state as Ticket, events: [], audit: null }
  }

  // Without a state, decide() has just created the ticket: its first fact names it.
  const subject = state ?? (facts[0] as FactDraft & { type: 'ticket:created' }).payload.ticket
  const { id: ticketId, workspaceId } = subject
  const meta = factMeta(parsed)
  const occurred = at()
  const events: TicketEvent[] = []
  let version = state?.version ?? 0
  // Object literals with one fixed key order: fast to build, and stable JSON for byte-identical replays.
  const envelope = (type: string, payload: unknown, eventMeta: EventMeta) =>
    ({ id: newId(), type, ticketId, workspaceId, version: ++version, occurredAt: occurred, payload, meta: eventMeta }) as TicketEvent

  for (const fact of facts) {
    const event = envelope(fact.type, fact.payload, meta)
    events.push(event)
    if (event.type !== 'ticket:updated') continue
    const derivedMeta: EventMeta = { ...meta, causationId: event.id }
    for (const derived of deriveChangeEvents(event.payload)) events.push(envelope(derived.type, derived.payload, derivedMeta))
  }

  const next = produceTicket(state, events, ctx.freeze ?? FREEZES_BY_DEFAULT) as Ticket
  const audit = buildAudit({ id: newId(), before: state, after: next, command: parsed, events })
  // Events of a type whose shape changed since it was first stored carry its schema version.
  return { state: next, events: LIBRARY_UPCASTING.active ? LIBRARY_UPCASTING.stamp(events) : events, audit }
}

/** The meta every fact of a command carries; absent values are left out. */
function factMeta(command: Command): EventMeta {
  const source = command.meta
  if (!source) return {}
  const meta: { -readonly [K in keyof EventMeta]: EventMeta[K] } = {}
  if (source.commandId !== undefined) meta.commandId = source.commandId
  if (source.actor !== undefined) meta.actor = source.actor
  if (source.via !== undefined) meta.via = source.via as NonNullable<EventMeta['via']>
  if (source.correlationId !== undefined) meta.correlationId = source.correlationId
  return meta
}

// `toISOString` costs about a microsecond; at tens of thousands of commands per second
// most fall in the same millisecond, so the last formatted instant is kept. This memo
// cannot change a result: the same instant always formats to the same string.
let lastInstant = Number.NaN
let lastIso = ''

function isoTime(date: Date): string {
  const instant = date instanceof Date ? date.getTime() : Number.NaN
  if (Number.isNaN(instant)) {
    throw new TicketError('VALIDATION', 'ctx.now() must return a valid Date.', {
      issues: [{ path: ['ctx', 'now'], message: 'Invalid Date', code: 'custom' }],
    })
  }
  if (instant !== lastInstant) {
    lastIso = date.toISOString()
    lastInstant = instant
  }
  return lastIso
}
