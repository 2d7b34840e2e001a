/**
 * A TypeScript caller's mistakes are compile errors: each `@ts-expect-error` below fails
 * the type check (`npm run typecheck`, and vitest's typecheck project) if the line after
 * it compiles. The runtime still validates the same inputs for JavaScript callers and
 * wire data (test/service/bad-input.test.ts).
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  type Command,
  type CreateCommand,
  handle,
  isTicketError,
  parseCommand,
  type Ticket,
  TicketError,
  type TicketErrorOf,
  type TicketService,
} from '../../src/index.js'

declare const tickets: TicketService
declare const ticket: Ticket
const ticketId = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const userId = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const create: CreateCommand = {
  type: 'create',
  workspaceId,
  chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
}

describe('commands', () => {
  it('refuses a misspelled command type', () => {
    // @ts-expect-error 'takeovr' is not a command type
    handle(ticket, { type: 'takeovr', assigneeId: userId })
    // @ts-expect-error 'takeovr' is not a command type
    void tickets.execute(ticketId, { type: 'takeovr', assigneeId: userId })
  })

  it('refuses a misspelled field', () => {
    // @ts-expect-error asigneeId is not a field of takeover
    handle(ticket, { type: 'takeover', asigneeId: userId })
    // @ts-expect-error asigneeId is not a field of assign
    void tickets.execute(ticketId, { type: 'assign', asigneeId: userId })
    // @ts-expect-error comandId is not a field of meta
    void tickets.execute(ticketId, { type: 'tag', tagId: userId, meta: { comandId: 'x' } })
  })

  it('refuses a create without its required fields', () => {
    // @ts-expect-error chatId, ticketingTeamId, assigneeId and status are missing
    handle(null, { type: 'create', workspaceId })
    const { status: _, ...withoutStatus } = create
    // @ts-expect-error status is missing
    void tickets.execute(ticketId, withoutStatus)
  })

  it('refuses a status that does not exist', () => {
    // @ts-expect-error 'open' is not a ticket status
    handle(null, { ...create, status: 'open' })
    // @ts-expect-error 'closed' is not a ticket status
    handle(ticket, { type: 'update', status: 'closed' })
  })

  it('refuses a field of the wrong type', () => {
    // @ts-expect-error public is a boolean
    handle(ticket, { type: 'addComment', body: 'hi', authorId: userId, public: 'yes' })
    // @ts-expect-error score is a number
    handle(ticket, { type: 'receiveCsat', score: '5' })
  })

  it('accepts every well-formed command, optional fields as undefined included', () => {
    handle(null, create)
    handle(ticket, { type: 'takeover', assigneeId: userId, meta: { commandId: 'takeover-1', actor: { type: 'user', id: userId } } })
    handle(ticket, { type: 'update', summary: undefined, priority: null, customFields: { plan: 'pro', seats: 3, old: null } })
    handle(ticket, {
      type: 'recordSlaBreach',
      metric: 'first_reply_time',
      target: { minutes: 60, inBusinessHours: true },
      at: '2024-05-01T10:00:00Z',
    })
  })

  it('narrows a command by its type', () => {
    const command = parseCommand(JSON.parse('{}'))
    expectTypeOf(command).toEqualTypeOf<Command>()
    if (command.type === 'complete') expectTypeOf(command.userId).toEqualTypeOf<string>()
    if (command.type === 'assign') expectTypeOf(command.assigneeId).toEqualTypeOf<string | null>()
  })
})

describe('queries', () => {
  it('refuses an unknown list filter', () => {
    // @ts-expect-error sortBy is not a list filter
    void tickets.list({ workspaceId, sortBy: 'createdAt' })
    // @ts-expect-error assignee is not a list filter (assigneeIds is)
    void tickets.list({ workspaceId, assignee: userId })
  })

  it('refuses a list status that does not exist', () => {
    // @ts-expect-error 'closed' is not a ticket status
    void tickets.list({ workspaceId, status: 'closed' })
  })

  it('refuses a list without its workspace', () => {
    // @ts-expect-error workspaceId is required
    void tickets.list({ status: 'pending' })
  })

  it('refuses an unknown events filter and a limit given as text', () => {
    // @ts-expect-error ticketId is not an events filter
    void tickets.events({ ticketId })
    // @ts-expect-error limit is a number
    void tickets.events({ limit: '100' })
  })

  it('accepts the filters as documented', () => {
    void tickets.list({ workspaceId, status: 'ongoing', assigneeIds: userId, tagIds: [userId], search: 'refund', pageSize: 20 })
    void tickets.events({
      workspaceId,
      afterId: '01HZY0000000000000000000000',
      occurredAfter: '2024-05-01T00:00:00Z',
      type: 'ticket:created',
      limit: 0,
    })
    void tickets.events()
  })
})

describe('execute and load', () => {
  it('takes the scope third and the options fourth in execute', () => {
    void tickets.execute(ticketId, create, { workspaceId }, { expectedVersion: 0 })
    // @ts-expect-error expectedVersion is a number
    void tickets.execute(ticketId, create, undefined, { expectedVersion: '3' })
    // @ts-expect-error expectVersion is misspelled
    void tickets.execute(ticketId, create, undefined, { expectVersion: 3 })
  })

  it('takes the options second and the scope third in load, so the 0.1 order does not compile', () => {
    void tickets.load(ticketId)
    void tickets.load(ticketId, undefined, { workspaceId })
    void tickets.load(ticketId, {}, { workspaceId })
    // @ts-expect-error the scope is the third argument now
    void tickets.load(ticketId, { workspaceId })
  })
})

describe('errors', () => {
  it('types details per code, narrowed by isTicketError and by code', () => {
    const error: unknown = new Error()
    if (isTicketError(error, 'INVALID_TRANSITION')) {
      expectTypeOf(error.details.from).toEqualTypeOf<'pending' | 'ongoing' | 'completed'>()
      expectTypeOf(error.details.allowedFrom).toEqualTypeOf<readonly ('pending' | 'ongoing' | 'completed')[]>()
    }
    if (isTicketError(error)) {
      if (error.code === 'CONCURRENCY') expectTypeOf(error.details.actualVersion).toEqualTypeOf<number | undefined>()
      if (error.code === 'UNAVAILABLE') expectTypeOf(error.details.outcome).toEqualTypeOf<'unknown' | undefined>()
      if (error.code === 'MISSING_DRIVER') expectTypeOf(error.details.driver).toEqualTypeOf<string>()
      if (error.code === 'CLOSED') expectTypeOf(error.details.store).toEqualTypeOf<string>()
    }
    if (isTicketError(error, 'CONCURRENCY', 'UNAVAILABLE'))
      expectTypeOf(error).toEqualTypeOf<TicketErrorOf<'CONCURRENCY' | 'UNAVAILABLE'>>()
  })

  it('requires the details a code promises when one is constructed', () => {
    new TicketError('NOT_FOUND', 'no such ticket')
    new TicketError('ARCHIVED', 'archived', { details: { ticketId, command: 'tag' } })
    // @ts-expect-error ARCHIVED promises details.ticketId and details.command
    new TicketError('ARCHIVED', 'archived')
    // @ts-expect-error 'reopen' is not a command type
    new TicketError('ARCHIVED', 'archived', { details: { ticketId, command: 'reopen' } })
    // @ts-expect-error 'EXPLODED' is not an error code
    new TicketError('EXPLODED', 'boom')
  })
})
