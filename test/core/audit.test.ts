import { describe, expect, it } from 'vitest'
import { deriveChangeEvents } from '../../src/index.js'
import { ALICE, CHAT, createPending, given, TAG_A, TAG_B, TEAM_A, WORKSPACE } from '../support/core-fixtures.js'

describe('audit records', () => {
  it('records one Create per field set on creation, tags as an array and custom fields by id', () => {
    const { last } = given({ ...createPending, priority: 'high', tags: [TAG_A, TAG_B], customFields: { plan: 'pro' } })
    expect(last.audit).toMatchObject({ ticketId: createPending.ticketId, authorId: null, via: null, eventIds: [last.events[0]?.id] })
    expect(last.audit?.events).toEqual([
      { type: 'Create', field_name: 'workspace_id', value: WORKSPACE },
      { type: 'Create', field_name: 'chat_id', value: CHAT },
      { type: 'Create', field_name: 'status', value: 'pending' },
      { type: 'Create', field_name: 'circumstance', value: 'handover' },
      { type: 'Create', field_name: 'ticketing_team_id', value: TEAM_A },
      { type: 'Create', field_name: 'summary', value: 'Customer cannot log in' },
      { type: 'Create', field_name: 'priority', value: 'high' },
      { type: 'Create', field_name: 'tags', value: [TAG_A, TAG_B] },
      { type: 'Create', field_name: 'plan', value: 'pro' },
    ])
  })

  it('records one Change per changed field with its previous value, in snake_case', () => {
    const { last } = given(createPending, {
      type: 'takeover',
      assigneeId: ALICE,
      meta: { actor: { type: 'user', id: 'agent-7' }, via: { channel: 'web' } },
    })
    expect(last.audit).toMatchObject({ authorId: 'agent-7', via: { channel: 'web' } })
    expect(last.audit?.eventIds).toEqual(last.events.map((event) => event.id))
    expect(last.audit?.events).toEqual([
      { type: 'Change', field_name: 'status', value: 'ongoing', previous_value: 'pending' },
      { type: 'Change', field_name: 'assignee_id', value: ALICE, previous_value: null },
    ])
  })

  it('records tag changes as arrays and custom field changes under the field id', () => {
    const { last } = given(createPending, { type: 'tag', tagId: TAG_A }, { type: 'update', customFields: { plan: 'pro' } })
    expect(last.audit?.events).toEqual([{ type: 'Change', field_name: 'plan', value: 'pro', previous_value: null }])
    const tagged = given(createPending, { type: 'tag', tagId: TAG_A }).last
    expect(tagged.audit?.events).toEqual([{ type: 'Change', field_name: 'tags', value: [TAG_A], previous_value: [] }])
  })

  it('carries command meta onto every event, and the causation id onto derived ones', () => {
    const meta = { commandId: 'cmd-1', correlationId: 'req-9', actor: { type: 'agent', id: 'bot' } } as const
    const { last } = given(createPending, { type: 'takeover', assigneeId: ALICE, meta })
    expect(last.events[0]?.meta).toEqual(meta)
    expect(last.events[1]?.meta).toEqual({ ...meta, causationId: last.events[0]?.id })
  })
})

describe('deriveChangeEvents', () => {
  it('derives nothing from a change whose values are equal', () => {
    expect(deriveChangeEvents({ changes: [{ field: 'customFields', key: 'a', from: { x: [1] }, to: { x: [1] } }] })).toEqual([])
    expect(deriveChangeEvents({ changes: [{ field: 'tags', from: [TAG_A, TAG_B], to: [TAG_B, TAG_A] }] })).toEqual([])
  })

  it('derives tag additions and removals in one ticket:tag:updated', () => {
    expect(deriveChangeEvents({ changes: [{ field: 'tags', from: [TAG_A], to: [TAG_B] }] })).toEqual([
      { type: 'ticket:tag:updated', payload: { added: [TAG_B], removed: [TAG_A] } },
    ])
  })
})
