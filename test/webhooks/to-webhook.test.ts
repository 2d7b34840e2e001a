import { describe, expect, it } from 'vitest'
import { isTicketError, type TicketError, type TicketEvent } from '../../src/index.js'
import { toWebhook } from '../../src/webhooks/index.js'
import { ALICE, BOB, COMMENT, createCommand, find, OTHER_TICKET, run, SURVEY, TAG_B } from './support/tickets.js'

function rejection(fn: () => unknown): TicketError {
  try {
    fn()
  } catch (error) {
    if (isTicketError(error)) return error
    throw error
  }
  throw new Error('expected a TicketError, but nothing was thrown')
}

describe('toWebhook payloads', () => {
  it('renders ticket:created as { eventId, type, timestamp, payload: { ticket } }', () => {
    const { steps } = run(createCommand())
    const { step, event } = find(steps, 'ticket:created')
    const webhook = toWebhook(event, { ticket: step.after })
    expect(webhook).toEqual({ eventId: event.id, type: 'ticket:created', timestamp: event.occurredAt, payload: { ticket: step.after } })
  })

  it('gives ticket:updated the previous ticket and the changes', () => {
    const { steps } = run(createCommand(), { type: 'takeover', assigneeId: ALICE })
    const { step, event } = find(steps, 'ticket:updated')
    const webhook = toWebhook(event, { ticket: step.after, previousTicket: step.before })
    expect(webhook.payload).toEqual({ ticket: step.after, previousTicket: step.before, changes: event.payload.changes })
    expect(webhook.payload.changes).toEqual([
      { field: 'status', from: 'pending', to: 'ongoing' },
      { field: 'assigneeId', from: null, to: ALICE },
    ])
  })

  it('gives each derived change event the previous ticket, its own change and its own fields', () => {
    const { steps } = run(createCommand(), { type: 'takeover', assigneeId: ALICE })
    const status = find(steps, 'ticket:status:changed')
    const assigned = find(steps, 'ticket:assigned')
    const context = { ticket: status.step.after, previousTicket: status.step.before }
    expect(toWebhook(status.event, context).payload).toEqual({
      ...context,
      changes: [{ field: 'status', from: 'pending', to: 'ongoing' }],
      from: 'pending',
      to: 'ongoing',
    })
    expect(toWebhook(assigned.event, context).payload).toEqual({
      ...context,
      changes: [{ field: 'assigneeId', from: null, to: ALICE }],
      from: null,
      to: ALICE,
    })
  })

  it('describes custom field and tag events with the matching change', () => {
    const { steps } = run(createCommand({ customFields: { plan: 'pro', seats: 3 } }), {
      type: 'update',
      customFields: { plan: 'enterprise', seats: null, region: 'eu' },
    })
    const changed = find(steps, 'ticket:custom_field_value:changed')
    const removed = find(steps, 'ticket:custom_field_value:removed')
    const added = find(steps, 'ticket:custom_field_value:added')
    const context = { ticket: changed.step.after, previousTicket: changed.step.before }
    expect(toWebhook(changed.event, context).payload).toMatchObject({
      changes: [{ field: 'customFields', key: 'plan', from: 'pro', to: 'enterprise' }],
      fieldId: 'plan',
      value: 'enterprise',
      previousValue: 'pro',
    })
    expect(toWebhook(removed.event, context).payload).toMatchObject({
      changes: [{ field: 'customFields', key: 'seats', from: 3, to: null }],
      fieldId: 'seats',
      previousValue: 3,
    })
    expect(toWebhook(added.event, context).payload).toMatchObject({
      changes: [{ field: 'customFields', key: 'region', from: null, to: 'eu' }],
      fieldId: 'region',
      value: 'eu',
    })

    const tagged = run(createCommand(), { type: 'tag', tagId: TAG_B })
    const tag = find(tagged.steps, 'ticket:tag:updated')
    const before = tag.step.before
    expect(toWebhook(tag.event, { ticket: tag.step.after, previousTicket: before }).payload).toMatchObject({
      changes: [{ field: 'tags', from: before?.tags, to: tag.step.after.tags }],
      added: [TAG_B],
      removed: [],
    })
  })

  it('spreads the event fields of comment, CSAT and lifecycle events beside the ticket', () => {
    const { steps } = run(
      createCommand(),
      { type: 'addComment', commentId: COMMENT, body: 'Hello', public: true, authorId: BOB },
      { type: 'sendCsat', surveyId: SURVEY },
      { type: 'receiveCsat', surveyId: SURVEY, score: 4, comment: 'Quick help' },
      { type: 'archive' },
    )
    const comment = find(steps, 'ticket:comment:added')
    expect(toWebhook(comment.event, { ticket: comment.step.after }).payload).toEqual({
      ticket: comment.step.after,
      comment: comment.event.payload.comment,
    })
    const csat = find(steps, 'ticket:csat:received')
    expect(toWebhook(csat.event, { ticket: csat.step.after }).payload).toEqual({
      ticket: csat.step.after,
      surveyId: SURVEY,
      score: 4,
      comment: 'Quick help',
    })
    const archived = find(steps, 'ticket:archived')
    expect(toWebhook(archived.event, { ticket: archived.step.after, previousTicket: archived.step.before }).payload).toEqual({
      ticket: archived.step.after,
      previousTicket: archived.step.before,
    })
  })

  it('serializes to the same JSON whatever the event family', () => {
    const { steps } = run(createCommand(), { type: 'takeover', assigneeId: ALICE }, { type: 'escalate', reason: 'VIP customer' })
    for (const step of steps) {
      for (const event of step.events) {
        const webhook = toWebhook(event, { ticket: step.after, previousTicket: step.before })
        expect(JSON.parse(JSON.stringify(webhook))).toEqual(webhook)
        expect(webhook.eventId).toBe(event.id)
        expect(webhook.type).toBe(event.type)
      }
    }
  })
})

describe('toWebhook validation', () => {
  const { steps } = run(createCommand(), { type: 'takeover', assigneeId: ALICE })
  const created = find(steps, 'ticket:created')
  const updated = find(steps, 'ticket:updated')

  it('rejects an event whose id is not a ULID', () => {
    const event = { ...created.event, id: 'not-a-ulid' } as TicketEvent
    const error = rejection(() => toWebhook(event, { ticket: created.step.after }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues.map((issue) => issue.path)).toContainEqual(['event', 'id'])
  })

  it('rejects an unknown event type', () => {
    const event = { ...created.event, type: 'ticket:teleported' } as unknown as TicketEvent
    const error = rejection(() => toWebhook(event, { ticket: created.step.after }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues.map((issue) => issue.path)).toContainEqual(['event', 'type'])
  })

  it('explains a malformed payload field of a known event type at its path', () => {
    const event = { ...updated.event, payload: { changes: [{ field: 7 }] } } as unknown as TicketEvent
    const error = rejection(() => toWebhook(event, { ticket: updated.step.after, previousTicket: updated.step.before }))
    expect(error.issues).toContainEqual({
      path: ['event', 'payload', 'changes', 0, 'field'],
      message: 'Invalid input: expected string, received number',
      code: 'custom',
    })
  })

  it('rejects input that is not an event at all', () => {
    const error = rejection(() => toWebhook(null as unknown as TicketEvent, { ticket: created.step.after }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(['event'])
  })

  it('rejects a ticket:updated without the previous ticket', () => {
    const error = rejection(() => toWebhook(updated.event, { ticket: updated.step.after }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(['context', 'previousTicket'])
  })

  it('rejects a ticket that is not the one the event is about', () => {
    const other = run(createCommand({ ticketId: OTHER_TICKET })).state
    const error = rejection(() => toWebhook(created.event, { ticket: other }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(['context', 'ticket', 'id'])
  })

  it('rejects a non-positive maxBytes and a non-function onTruncate', () => {
    const context = { ticket: created.step.after }
    expect(rejection(() => toWebhook(created.event, context, { maxBytes: 0 })).issues[0]?.path).toEqual(['options', 'maxBytes'])
    const onTruncate = 'log' as unknown as () => void
    expect(rejection(() => toWebhook(created.event, context, { onTruncate })).issues[0]?.path).toEqual(['options', 'onTruncate'])
  })
})
