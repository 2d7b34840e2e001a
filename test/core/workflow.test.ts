import { describe, expect, it } from 'vitest'
import { type Command, handle, replay } from '../../src/index.js'
import { ALICE, BOB, CHAT, createPending, given, rejection, TEAM_A, TEAM_B, TICKET, types, WORKSPACE } from '../support/core-fixtures.js'

describe('create', () => {
  it('creates a pending handover ticket with every field in place', () => {
    const { state, last } = given(createPending)
    expect(types(last)).toEqual(['ticket:created'])
    expect(state).toMatchObject({
      id: TICKET,
      workspaceId: WORKSPACE,
      chatId: CHAT,
      status: 'pending',
      circumstance: 'handover',
      assigneeId: null,
      ticketingTeamId: TEAM_A,
      summary: 'Customer cannot log in',
      priority: null,
      escalated: false,
      tags: [],
      customFields: {},
      comments: {},
      csat: null,
      archived: false,
      deleted: false,
      createdAt: '2024-05-01T09:00:00.000Z',
      updatedAt: '2024-05-01T09:00:00.000Z',
      ongoingAt: null,
      completedAt: null,
      lastViewedAt: null,
      version: 1,
    })
  })

  it('starts an ongoing ticket as a takeover with ongoingAt set', () => {
    const { state } = given({ ...createPending, status: 'ongoing', assigneeId: ALICE })
    expect(state.circumstance).toBe('takeover')
    expect(state.ongoingAt).toBe(state.createdAt)
  })

  it('makes a UUID for the ticket when the command names none', () => {
    const { ticketId: _omitted, ...command } = createPending
    const { state } = given(command)
    expect(state.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('keeps tags as a set in the order given and drops custom fields set to null', () => {
    const { state } = given({ ...createPending, tags: [TEAM_B, TEAM_A, TEAM_B], customFields: { plan: 'pro', gone: null } })
    expect(state.tags).toEqual([TEAM_B, TEAM_A])
    expect(state.customFields).toEqual({ plan: 'pro' })
  })

  it('rejects a second create with ALREADY_EXISTS', () => {
    const { state } = given(createPending)
    const error = rejection(() => handle(state, createPending))
    expect(error.code).toBe('ALREADY_EXISTS')
  })

  it('rejects a command on a missing ticket with NOT_FOUND', () => {
    expect(rejection(() => handle(null, { type: 'takeover', assigneeId: ALICE })).code).toBe('NOT_FOUND')
  })
})

describe('takeover', () => {
  it('moves a pending ticket to ongoing, assigns it, and emits updated, status:changed and assigned in order', () => {
    const { state, last } = given(createPending, { type: 'takeover', assigneeId: ALICE })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:status:changed', 'ticket:assigned'])
    const [updated, status, assigned] = last.events
    expect(updated?.payload).toEqual({
      changes: [
        { field: 'status', from: 'pending', to: 'ongoing' },
        { field: 'assigneeId', from: null, to: ALICE },
      ],
    })
    expect(status?.payload).toEqual({ from: 'pending', to: 'ongoing' })
    expect(assigned?.payload).toEqual({ from: null, to: ALICE })
    expect(status?.meta.causationId).toBe(updated?.id)
    expect(assigned?.meta.causationId).toBe(updated?.id)
    expect(state).toMatchObject({ status: 'ongoing', assigneeId: ALICE, ongoingAt: updated?.occurredAt, version: 4 })
  })

  it('rejects a takeover of an ongoing ticket with INVALID_TRANSITION naming both statuses', () => {
    const { state } = given(createPending, { type: 'takeover', assigneeId: ALICE })
    const error = rejection(() => handle(state, { type: 'takeover', assigneeId: BOB }))
    expect(error.code).toBe('INVALID_TRANSITION')
    expect(error.details).toMatchObject({ from: 'ongoing', to: 'ongoing' })
    expect(error.message).toContain('ongoing')
    expect(error.message).toContain('pending')
  })
})

describe('assign', () => {
  it('changes the assignee and emits ticket:assigned', () => {
    const { state, last } = given(createPending, { type: 'assign', assigneeId: BOB })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:assigned'])
    expect(state.assigneeId).toBe(BOB)
  })

  it('unassigns with null', () => {
    const { state } = given(createPending, { type: 'assign', assigneeId: BOB }, { type: 'assign', assigneeId: null })
    expect(state.assigneeId).toBeNull()
  })

  it('accepts an assign to the current assignee and emits no events', () => {
    const { state } = given(createPending, { type: 'assign', assigneeId: BOB })
    const result = handle(state, { type: 'assign', assigneeId: BOB })
    expect(result.events).toEqual([])
    expect(result.audit).toBeNull()
    expect(result.state).toBe(state)
  })
})

describe('complete', () => {
  it('completes an ongoing ticket and sets completedAt', () => {
    const { state, last } = given(createPending, { type: 'takeover', assigneeId: ALICE }, { type: 'complete', userId: ALICE })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:status:changed'])
    expect(state.status).toBe('completed')
    expect(state.completedAt).toBe(last.events[0]?.occurredAt)
    expect(last.events[0]?.meta).toEqual({})
    expect(last.audit?.authorId).toBe(ALICE)
  })

  it('rejects completing twice with INVALID_TRANSITION from completed to completed', () => {
    const { state } = given(createPending, { type: 'complete', userId: ALICE })
    const error = rejection(() => handle(state, { type: 'complete', userId: ALICE }))
    expect(error.code).toBe('INVALID_TRANSITION')
    expect(error.details).toMatchObject({ from: 'completed', to: 'completed' })
  })

  it('reopens a completed ticket through update and clears completedAt', () => {
    const { state } = given(createPending, { type: 'complete', userId: ALICE }, { type: 'update', status: 'ongoing' })
    expect(state.status).toBe('ongoing')
    expect(state.completedAt).toBeNull()
  })

  it('rejects an update from completed to pending with INVALID_TRANSITION', () => {
    const { state } = given(createPending, { type: 'complete', userId: ALICE })
    const error = rejection(() => handle(state, { type: 'update', status: 'pending' }))
    expect(error.code).toBe('INVALID_TRANSITION')
    expect(error.details).toMatchObject({ from: 'completed', to: 'pending' })
  })
})

describe('escalate and migrate', () => {
  it('escalates once, carrying the reason, and accepts a second escalate as a no-op', () => {
    const { state, last } = given(createPending, { type: 'escalate', reason: 'VIP customer' })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:escalated'])
    expect(last.events[1]?.payload).toEqual({ reason: 'VIP customer' })
    expect(state.escalated).toBe(true)
    expect(handle(state, { type: 'escalate' }).events).toEqual([])
  })

  it('migrates to another team and emits ticket:migrated', () => {
    const { state, last } = given(createPending, { type: 'migrate', ticketingTeamId: TEAM_B })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:migrated'])
    expect(last.events[1]?.payload).toEqual({ from: TEAM_A, to: TEAM_B })
    expect(state.ticketingTeamId).toBe(TEAM_B)
    expect(handle(state, { type: 'migrate', ticketingTeamId: TEAM_B }).events).toEqual([])
  })
})

describe('archive, unarchive and delete', () => {
  it('rejects commands on an archived ticket with ARCHIVED, except unarchive and delete', () => {
    const { state } = given(createPending, { type: 'archive' })
    expect(state.archived).toBe(true)
    expect(rejection(() => handle(state, { type: 'assign', assigneeId: ALICE })).code).toBe('ARCHIVED')
    expect(rejection(() => handle(state, { type: 'archive' })).code).toBe('ARCHIVED')
    expect(handle(state, { type: 'unarchive' }).state.archived).toBe(false)
    expect(handle(state, { type: 'delete' }).state.deleted).toBe(true)
  })

  it('accepts unarchive of a ticket that is not archived as a no-op', () => {
    const { state } = given(createPending)
    expect(handle(state, { type: 'unarchive' }).events).toEqual([])
  })

  it('rejects every command on a deleted ticket with DELETED', () => {
    const { state, last } = given(createPending, { type: 'delete' })
    expect(types(last)).toEqual(['ticket:deleted'])
    for (const command of [
      { type: 'delete' },
      { type: 'unarchive' },
      { type: 'tag', tagId: TEAM_A },
      { type: 'markViewed', userId: ALICE },
    ] satisfies Command[]) {
      expect(rejection(() => handle(state, command)).code).toBe('DELETED')
    }
  })
})

describe('evolve and replay', () => {
  it('rebuilds the same state from the stored events', () => {
    const ctx = { now: () => new Date('2024-01-01T00:00:00Z') }
    const created = handle(null, createPending, ctx)
    const taken = handle(created.state, { type: 'takeover', assigneeId: ALICE }, ctx)
    expect(replay([...created.events, ...taken.events])).toEqual(taken.state)
  })
})
