import { describe, expect, it } from 'vitest'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  ALICE,
  commentCommand,
  createCommand,
  everything,
  OTHER_TICKET,
  OTHER_WORKSPACE,
  rejectionOf,
  TICKET,
  WORKSPACE,
} from './service-fixtures.js'

const mine = { workspaceId: WORKSPACE }
const theirs = { workspaceId: OTHER_WORKSPACE }

async function twoWorkspaces() {
  const tickets = createTicketService({ store: memoryStore() })
  await tickets.execute(TICKET, createCommand(WORKSPACE, 'ours'), mine)
  await tickets.execute(OTHER_TICKET, createCommand(OTHER_WORKSPACE, 'theirs'), theirs)
  return tickets
}

describe('workspace scoping', () => {
  it('runs a scoped command on a ticket of the same workspace', async () => {
    const tickets = await twoWorkspaces()
    const result = await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }, mine)
    expect(result.state.status).toBe('ongoing')
  })

  it('answers a command on another workspace’s ticket exactly as for a missing one, and changes nothing', async () => {
    const tickets = await twoWorkspaces()
    const before = await everything(tickets)
    const foreign = await rejectionOf(tickets.execute(OTHER_TICKET, { type: 'takeover', assigneeId: ALICE }, mine))
    const missing = await rejectionOf(
      tickets.execute('9d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', { type: 'takeover', assigneeId: ALICE }, mine),
    )
    expect(foreign.code).toBe('NOT_FOUND')
    expect(foreign.message).toBe(missing.message)
    expect(await everything(tickets)).toEqual(before)
  })

  it('does not hand a remembered result to another workspace', async () => {
    const tickets = await twoWorkspaces()
    await tickets.execute(OTHER_TICKET, commentCommand('private', 'c-1'), theirs)
    const error = await rejectionOf(tickets.execute(OTHER_TICKET, commentCommand('private', 'c-1'), mine))
    expect(error.code).toBe('NOT_FOUND')
  })

  it('refuses a scoped create in another workspace', async () => {
    const tickets = await twoWorkspaces()
    const error = await rejectionOf(tickets.execute('9d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', createCommand(OTHER_WORKSPACE), mine))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues.map((issue) => issue.path)).toEqual([['workspaceId']])
  })

  it('refuses a create on an id another workspace already uses, without touching that ticket', async () => {
    const tickets = await twoWorkspaces()
    const before = await everything(tickets)
    const error = await rejectionOf(tickets.execute(OTHER_TICKET, createCommand(WORKSPACE), mine))
    expect(error.code).toBe('ALREADY_EXISTS')
    expect(error.message).not.toContain(OTHER_WORKSPACE)
    expect(await everything(tickets)).toEqual(before)
  })

  it('loads another workspace’s ticket as null', async () => {
    const tickets = await twoWorkspaces()
    expect(await tickets.load(OTHER_TICKET, undefined, mine)).toBeNull()
    expect((await tickets.load(TICKET, undefined, mine))?.summary).toBe('ours')
    expect((await tickets.load(OTHER_TICKET))?.summary).toBe('theirs')
  })

  it('reads only the workspace’s events when the query names one', async () => {
    const tickets = await twoWorkspaces()
    const { result } = await tickets.events({ workspaceId: WORKSPACE })
    expect(result.length).toBeGreaterThan(0)
    expect(result.every((event) => event.workspaceId === WORKSPACE)).toBe(true)
    expect((await tickets.events()).result.length).toBe(2)
  })

  it('refuses to page after another workspace’s event', async () => {
    const tickets = await twoWorkspaces()
    const foreignEvent = (await tickets.events({ workspaceId: OTHER_WORKSPACE })).result[0]
    const error = await rejectionOf(tickets.events({ workspaceId: WORKSPACE, afterId: foreignEvent?.id }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues.map((issue) => issue.path)).toEqual([['afterId']])
  })

  it('lists only the workspace’s tickets', async () => {
    const tickets = await twoWorkspaces()
    const { result } = await tickets.list({ workspaceId: WORKSPACE })
    expect(result.map((ticket) => ticket.id)).toEqual([TICKET])
  })
})
