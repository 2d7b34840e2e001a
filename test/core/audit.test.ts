import { describe, expect, it } from 'vitest'
import { AUDIT_SCHEMA_VERSION, deriveChangeEvents, satisfactionScore, upcastAudit } from '../../src/index.js'
import { toAuditV1 } from '../support/audit-v1.js'
import { ALICE, auditEventsOf, CHAT, createPending, given, SURVEY, TAG_A, TAG_B, TEAM_A, WORKSPACE } from '../support/core-fixtures.js'

describe('audit records', () => {
  it('records one Create per field set on creation, tags as an array and custom fields as custom_fields.<id>', () => {
    const { last } = given({ ...createPending, priority: 'high', tags: [TAG_A, TAG_B], customFields: { plan: 'pro' } })
    expect(last.audit).toMatchObject({ ticketId: createPending.ticketId, authorId: null, via: null, eventIds: [last.events[0]?.id] })
    expect(auditEventsOf(last.audit)).toEqual([
      { type: 'Create', field_name: 'workspace_id', value: WORKSPACE },
      { type: 'Create', field_name: 'chat_id', value: CHAT },
      { type: 'Create', field_name: 'status', value: 'pending' },
      { type: 'Create', field_name: 'circumstance', value: 'handover' },
      { type: 'Create', field_name: 'ticketing_team_id', value: TEAM_A },
      { type: 'Create', field_name: 'summary', value: 'Customer cannot log in' },
      { type: 'Create', field_name: 'priority', value: 'high' },
      { type: 'Create', field_name: 'tags', value: [TAG_A, TAG_B] },
      { type: 'Create', field_name: 'custom_fields.plan', value: 'pro' },
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
    expect(auditEventsOf(last.audit)).toEqual([
      { type: 'Change', field_name: 'status', value: 'ongoing', previous_value: 'pending' },
      { type: 'Change', field_name: 'assignee_id', value: ALICE, previous_value: null },
    ])
  })

  it('records tag changes as arrays and custom field changes as custom_fields.<id>', () => {
    const { last } = given(createPending, { type: 'tag', tagId: TAG_A }, { type: 'update', customFields: { plan: 'pro' } })
    expect(auditEventsOf(last.audit)).toEqual([{ type: 'Change', field_name: 'custom_fields.plan', value: 'pro', previous_value: null }])
    const tagged = given(createPending, { type: 'tag', tagId: TAG_A }).last
    expect(auditEventsOf(tagged.audit)).toEqual([{ type: 'Change', field_name: 'tags', value: [TAG_A], previous_value: [] }])
  })

  it('gives every event its own id, <auditId>.<n>, and the audit the schema version and the ticket version it ends at', () => {
    const { last } = given(createPending, { type: 'update', priority: 'high', summary: 'Still broken', customFields: { plan: 'pro' } })
    const audit = last.audit
    expect(audit?.events.map((event) => event.id)).toEqual([`${audit?.id}.1`, `${audit?.id}.2`, `${audit?.id}.3`])
    expect(audit).toMatchObject({ schemaVersion: AUDIT_SCHEMA_VERSION, version: last.state.version })
  })

  it('names a custom field custom_fields.<id>, so one called status cannot pass for a status change', () => {
    const { last } = given(createPending, { type: 'update', customFields: { status: 'vip' } })
    expect(auditEventsOf(last.audit)).toEqual([{ type: 'Change', field_name: 'custom_fields.status', value: 'vip', previous_value: null }])
    const created = given({ ...createPending, customFields: { status: 'vip' } }).last
    expect(auditEventsOf(created.audit)).toContainEqual({ type: 'Create', field_name: 'custom_fields.status', value: 'vip' })
    expect(auditEventsOf(created.audit)).toContainEqual({ type: 'Create', field_name: 'status', value: 'pending' })
  })

  it('rates a CSAT score of 1, 2 or 3 as bad and 4 or 5 as good, keeping the number in the event', () => {
    expect([1, 2, 3, 4, 5].map(satisfactionScore)).toEqual(['bad', 'bad', 'bad', 'good', 'good'])
    for (const score of [1, 2, 3, 4, 5]) {
      const { last } = given(createPending, { type: 'sendCsat', surveyId: SURVEY }, { type: 'receiveCsat', surveyId: SURVEY, score })
      expect(last.events[0]?.payload).toMatchObject({ score })
      expect(last.audit?.events[0]).toMatchObject({ type: 'SatisfactionRating', score: satisfactionScore(score) })
    }
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

describe('upcastAudit', () => {
  it('returns a current record as it is', () => {
    const { last } = given(createPending)
    const audit = last.audit as NonNullable<typeof last.audit>
    expect(upcastAudit(audit, audit.version)).toBe(audit)
  })

  it('brings a first-shape record to the current one: event ids, version, custom_fields.<id> names and the rating', () => {
    const lives = [
      given({ ...createPending, customFields: { plan: 'pro', status: 'vip' } }).last,
      given(createPending, { type: 'update', priority: 'high', customFields: { status: 'vip', summary: 's' } }).last,
      given(createPending, { type: 'takeover', assigneeId: ALICE }).last,
      given(createPending, { type: 'delete' }).last,
      given(createPending, { type: 'sendCsat', surveyId: SURVEY }, { type: 'receiveCsat', surveyId: SURVEY, score: 2 }).last,
    ]
    for (const { audit, events } of lives) {
      const current = audit as NonNullable<typeof audit>
      expect(upcastAudit(toAuditV1(current, events), current.version)).toEqual(current)
    }
  })

  it('reads a first-shape custom field named like a built-in one, standing where that field could, as the built-in field', () => {
    // The documented limit of version 1: nothing in the record tells the two apart.
    const { audit, events } = given(createPending, { type: 'update', customFields: { status: 'vip' } }).last
    const current = audit as NonNullable<typeof audit>
    expect(upcastAudit(toAuditV1(current, events), current.version).events[0]).toMatchObject({ field_name: 'status' })
  })
})
