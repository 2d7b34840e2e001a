import {
  type Audit,
  type Command,
  type HandleContext,
  type HandleResult,
  handle,
  isTicketError,
  type Ticket,
  TicketError,
} from '../../src/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { untyped } from './untyped.js'

export const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const ALICE = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const BOB = '3b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const TAG_A = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const TAG_B = '4b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const TEAM_A = '5a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const TEAM_B = '5b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const COMMENT = '6a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const SURVEY = '01J8M766YV6FTKCCBQ0Z85YND5'

/** A pending ticket created by the agent's handover. */
export const createPending = {
  type: 'create',
  ticketId: TICKET,
  workspaceId: WORKSPACE,
  chatId: CHAT,
  ticketingTeamId: TEAM_A,
  assigneeId: null,
  status: 'pending',
  summary: 'Customer cannot log in',
} as const satisfies Command

/** Runs commands from nothing with a deterministic clock; returns the last result and the state. */
export function given(...commands: Command[]): { state: Ticket; last: HandleResult; ctx: ReturnType<typeof createTestContext> } {
  const ctx = createTestContext({ start: '2024-05-01T09:00:00.000Z' })
  let state: Ticket | null = null
  let last: HandleResult | undefined
  for (const command of commands) {
    last = handle(state, command, ctx)
    state = last.state
  }
  if (!state || !last) throw new Error('given() needs at least a create command')
  return { state, last, ctx }
}

/** Runs `fn` and returns the TicketError it throws (failing the test if it throws anything else or nothing). */
export function rejection(fn: () => unknown): TicketError {
  try {
    fn()
  } catch (error) {
    if (isTicketError(error)) return error
    throw new Error(`expected a TicketError, got ${String(error)}`)
  }
  throw new Error('expected a TicketError, but nothing was thrown')
}

export const types = (result: HandleResult): string[] => result.events.map((event) => event.type)
export { TicketError }

/** Awaits `promise` and returns the TicketError it rejects with (failing the test if it resolves or rejects with anything else). */
export async function rejectionOf(promise: Promise<unknown>): Promise<TicketError> {
  try {
    await promise
  } catch (error) {
    if (isTicketError(error)) return error
    throw new Error(`expected a TicketError, got ${String(error)}`)
  }
  throw new Error('expected a TicketError, but the promise resolved')
}

/**
 * `handle` given input as a JavaScript caller or the wire may send it: the public types
 * would refuse it at compile time, so what the test checks is the runtime validation.
 */
export function handleUntyped(state: Ticket | null, input: unknown, ctx?: HandleContext): HandleResult {
  return handle(state, untyped(input), ctx)
}

/** An audit's events without their ids (`<auditId>.<n>`), for comparing contents; the ids are checked on their own. */
export function auditEventsOf(audit: Audit | null | undefined): unknown[] | undefined {
  return audit?.events.map(({ id: _id, ...event }) => event)
}
