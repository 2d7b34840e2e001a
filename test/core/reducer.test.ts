import { describe, expect, it } from 'vitest'
import { evolve, handle, replay, type TicketEvent } from '../../src/index.js'
import { ALICE, createPending, given, rejection, TAG_A } from '../support/core-fixtures.js'

describe('handle is pure', () => {
  it('never mutates the input state and returns deeply frozen states', () => {
    const { state } = given(createPending, { type: 'tag', tagId: TAG_A })
    const before = JSON.stringify(state)
    const next = handle(state, { type: 'takeover', assigneeId: ALICE }).state
    expect(JSON.stringify(state)).toBe(before)
    expect(Object.isFrozen(next)).toBe(true)
    expect(Object.isFrozen(next.tags)).toBe(true)
    expect(() => {
      ;(next.tags as string[]).push('x')
    }).toThrow(TypeError)
  })

  it('shares unchanged parts with the previous state', () => {
    const { state } = given(createPending, { type: 'tag', tagId: TAG_A })
    const next = handle(state, { type: 'assign', assigneeId: ALICE }).state
    expect(next.tags).toBe(state.tags)
  })

  it('takes time and ids from ctx only', () => {
    let id = 0
    const ctx = { now: () => new Date('2030-01-02T03:04:05.000Z'), newId: () => `01J00000000000000000000${String(++id).padStart(3, '0')}` }
    const { events, audit } = handle(null, createPending, ctx)
    expect(events[0]).toMatchObject({ id: '01J00000000000000000000001', occurredAt: '2030-01-02T03:04:05.000Z' })
    expect(audit?.id).toBe('01J00000000000000000000002')
  })
})

describe('evolve and replay', () => {
  const { ctx: _ctx, ...run } = given(createPending)
  const created = run.last.events

  it('evolve folds one event at a time to the same state as replay', () => {
    const ctx = { now: () => new Date('2024-01-01T00:00:00Z') }
    const first = handle(null, createPending, ctx)
    const second = handle(first.state, { type: 'takeover', assigneeId: ALICE }, ctx)
    const events = [...first.events, ...second.events]
    expect(events.reduce(evolve, null)).toEqual(second.state)
    expect(replay(events)).toEqual(second.state)
  })

  it('returns null for no events and no snapshot, and the snapshot itself for an empty tail', () => {
    expect(replay([])).toBeNull()
    expect(replay([], run.state)).toBe(run.state)
  })

  it('never mutates the snapshot it continues from and freezes its result', () => {
    const taken = handle(run.state, { type: 'takeover', assigneeId: ALICE })
    const before = JSON.stringify(run.state)
    const result = replay(taken.events, run.state)
    expect(JSON.stringify(run.state)).toBe(before)
    expect(Object.isFrozen(result)).toBe(true)
  })

  it('rejects an event whose version does not follow the state with VALIDATION', () => {
    const taken = handle(run.state, { type: 'takeover', assigneeId: ALICE })
    const error = rejection(() => replay([...created, ...taken.events.slice(1)]))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toContain('does not follow version 1')
  })

  it('rejects a stream that does not start with ticket:created', () => {
    const taken = handle(run.state, { type: 'takeover', assigneeId: ALICE })
    expect(rejection(() => replay(taken.events)).code).toBe('VALIDATION')
  })

  it('rejects an event of another ticket', () => {
    const other = handle(null, { ...createPending, ticketId: '7a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f' })
    const foreign = { ...(handle(other.state, { type: 'tag', tagId: TAG_A }).events[0] as TicketEvent), version: 2 } as TicketEvent
    expect(rejection(() => replay([...created, foreign])).code).toBe('VALIDATION')
  })
})
