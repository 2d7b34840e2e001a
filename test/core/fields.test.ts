import { describe, expect, it } from 'vitest'
import { handle } from '../../src/index.js'
import { createPending, given, TAG_A, TAG_B, types } from '../support/core-fixtures.js'

describe('tag and untag', () => {
  it('adds a tag and emits ticket:tag:updated with it as added', () => {
    const { state, last } = given(createPending, { type: 'tag', tagId: TAG_A })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:tag:updated'])
    expect(last.events[0]?.payload).toEqual({ changes: [{ field: 'tags', from: [], to: [TAG_A] }] })
    expect(last.events[1]?.payload).toEqual({ added: [TAG_A], removed: [] })
    expect(state.tags).toEqual([TAG_A])
  })

  it('keeps tags in the order they were added', () => {
    const { state } = given(createPending, { type: 'tag', tagId: TAG_B }, { type: 'tag', tagId: TAG_A })
    expect(state.tags).toEqual([TAG_B, TAG_A])
  })

  it('accepts a tag already present and emits no events', () => {
    const { state } = given(createPending, { type: 'tag', tagId: TAG_A })
    expect(handle(state, { type: 'tag', tagId: TAG_A }).events).toEqual([])
  })

  it('removes a tag and emits it as removed', () => {
    const { state, last } = given(
      createPending,
      { type: 'tag', tagId: TAG_A },
      { type: 'tag', tagId: TAG_B },
      { type: 'untag', tagId: TAG_A },
    )
    expect(last.events[1]?.payload).toEqual({ added: [], removed: [TAG_A] })
    expect(state.tags).toEqual([TAG_B])
  })

  it('accepts untagging an absent tag and emits no events', () => {
    const { state } = given(createPending)
    expect(handle(state, { type: 'untag', tagId: TAG_A }).events).toEqual([])
  })
})

describe('update', () => {
  it('changes priority, type and sentiment, each with its own derived event, in field order', () => {
    const { state, last } = given(createPending, {
      type: 'update',
      sentiment: 'negative',
      ticketType: 'incident',
      priority: 'urgent',
      summary: 'Login broken',
    })
    expect(types(last)).toEqual(['ticket:updated', 'ticket:priority:changed', 'ticket:type:changed', 'ticket:sentiment:changed'])
    expect(state).toMatchObject({ priority: 'urgent', type: 'incident', sentiment: 'negative', summary: 'Login broken' })
  })

  it('emits custom field added, changed and removed events from the key diff', () => {
    const { state: withPlan } = given(createPending, { type: 'update', customFields: { plan: 'pro', seats: 5 } })
    const result = handle(withPlan, { type: 'update', customFields: { plan: 'enterprise', seats: null, region: { zone: 'eu' } } })
    expect(types(result)).toEqual([
      'ticket:updated',
      'ticket:custom_field_value:changed',
      'ticket:custom_field_value:removed',
      'ticket:custom_field_value:added',
    ])
    expect(result.events.slice(1).map((event) => event.payload)).toEqual([
      { fieldId: 'plan', value: 'enterprise', previousValue: 'pro' },
      { fieldId: 'seats', previousValue: 5 },
      { fieldId: 'region', value: { zone: 'eu' } },
    ])
    expect(result.state.customFields).toEqual({ plan: 'enterprise', region: { zone: 'eu' } })
  })

  it('compares custom field values structurally, so an equal object is a no-op', () => {
    const { state } = given(createPending, { type: 'update', customFields: { region: { zone: 'eu', racks: [1, 2] } } })
    expect(handle(state, { type: 'update', customFields: { region: { racks: [1, 2], zone: 'eu' } } }).events).toEqual([])
  })

  it('accepts an update to equal values and emits no events', () => {
    const { state } = given(createPending, { type: 'update', priority: 'high' })
    expect(handle(state, { type: 'update', priority: 'high', summary: state.summary, status: 'pending' }).events).toEqual([])
  })

  it('emits no derived event for a summary change, only the ticket:updated', () => {
    const { last } = given(createPending, { type: 'update', summary: 'New summary' })
    expect(types(last)).toEqual(['ticket:updated'])
  })

  it('does not share custom field objects between the command, the events and the state', () => {
    const value = { zone: 'eu' }
    const { state, last } = given(createPending, { type: 'update', customFields: { region: value } })
    value.zone = 'us'
    expect(state.customFields.region).toEqual({ zone: 'eu' })
    expect(Object.isFrozen(state.customFields.region)).toBe(true)
    expect(last.events[0]?.payload).toEqual({ changes: [{ field: 'customFields', key: 'region', from: null, to: { zone: 'eu' } }] })
  })
})
