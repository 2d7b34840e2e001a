import {
  type Command,
  type CreateCommand,
  createIdFactory,
  type HandleResult,
  handle,
  type Ticket,
  type TicketEvent,
  type TicketEventType,
} from '../../../src/index.js'
import { CHAT, TAG_A, TEAM_A, TICKET, WORKSPACE } from '../../support/core-fixtures.js'

// The shared ids, so webhook tests and core tests speak of the same ticket.
export { ALICE, BOB, CHAT, COMMENT, SURVEY, TAG_A, TAG_B, TEAM_A, TICKET, WORKSPACE } from '../../support/core-fixtures.js'

export const OTHER_TICKET = '2e5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/** A pending ticket created by the agent's handover. */
export function createCommand(overrides: Partial<CreateCommand> = {}): CreateCommand {
  return {
    type: 'create',
    ticketId: TICKET,
    workspaceId: WORKSPACE,
    chatId: CHAT,
    ticketingTeamId: TEAM_A,
    assigneeId: null,
    status: 'pending',
    summary: 'Customer cannot log in',
    tags: [TAG_A],
    ...overrides,
  }
}

/** One accepted command: the state before and after, and its events. */
export interface Step {
  readonly before: Ticket | null
  readonly after: Ticket
  readonly events: readonly TicketEvent[]
}

/** Runs commands in order with a deterministic clock, recording each step. */
export function run(...commands: Command[]): { readonly steps: readonly Step[]; readonly state: Ticket } {
  const newId = createIdFactory()
  let time = Date.parse('2024-05-01T09:00:00.000Z')
  const now = () => {
    time += 1000
    return new Date(time)
  }
  const ctx = { now, newId }
  const steps: Step[] = []
  let state: Ticket | null = null
  for (const command of commands) {
    const result: HandleResult = handle(state, command, ctx)
    steps.push({ before: state, after: result.state, events: result.events })
    state = result.state
  }
  if (!state) throw new Error('run() needs at least a create command')
  return { steps, state }
}

/** The step and event of a given type (the last such event). */
export function find<T extends TicketEventType>(steps: readonly Step[], type: T): { step: Step; event: TicketEvent<T> } {
  for (const step of [...steps].reverse()) {
    const event = step.events.find((candidate) => candidate.type === type)
    if (event) return { step, event: event as TicketEvent<T> }
  }
  throw new Error(`no ${type} event`)
}

/** UTF-8 byte length of a value's JSON, measured the obvious way. */
export function utf8JsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length
}
