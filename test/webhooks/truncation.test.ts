import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isTicketError } from '../../src/index.js'
import { jsonByteLength, TRUNCATION_MARKER, toWebhook, type WebhookPayload, type WebhookTruncation } from '../../src/webhooks/index.js'
import { ALICE, COMMENT, createCommand, find, run, utf8JsonBytes } from './support/tickets.js'

const MAX = 256 * 1024
const bodyPath = `$.payload.ticket.comments["${COMMENT}"].body`
const htmlPath = `$.payload.ticket.comments["${COMMENT}"].htmlBody`

/** Text of about `bytes` UTF-8 bytes: ASCII, or a mix of 2-, 3- and 4-byte characters. */
function text(bytes: number, kind: 'ascii' | 'multi-byte'): string {
  if (kind === 'ascii') return 'a'.repeat(bytes)
  const unit = 'é€😀' // 2 + 3 + 4 bytes, 4 UTF-16 code units
  return unit.repeat(Math.ceil(bytes / 9))
}

function addComment(body: string, htmlBody: string | undefined) {
  const { steps } = run(createCommand(), {
    type: 'addComment',
    commentId: COMMENT,
    body,
    ...(htmlBody === undefined ? {} : { htmlBody }),
    public: true,
    authorId: ALICE,
  })
  return find(steps, 'ticket:comment:added')
}

function render({ step, event }: ReturnType<typeof addComment>, options: { maxBytes?: number } = {}) {
  const reports: WebhookTruncation[] = []
  const webhook = toWebhook(event, { ticket: step.after }, { ...options, onTruncate: (report) => reports.push(report) })
  return { webhook, reports, ticket: step.after, event }
}

function commentWebhook(body: string, htmlBody: string | undefined, options: { maxBytes?: number } = {}) {
  return render(addComment(body, htmlBody), options)
}

function commentOf(webhook: WebhookPayload<'ticket:comment:added'>) {
  const comment = webhook.payload.ticket.comments[COMMENT]
  if (!comment) throw new Error('comment missing')
  return comment
}

describe('webhook size limit', () => {
  for (const kind of ['ascii', 'multi-byte'] as const) {
    for (const size of [300_000, 5_000_000]) {
      it(`cuts a ${size / 1000} KB ${kind} comment body down to 256 KB and reports both copies`, () => {
        const body = text(size, kind)
        const { webhook, reports, ticket } = commentWebhook(body, undefined)
        expect(utf8JsonBytes(webhook)).toBeLessThanOrEqual(MAX)
        expect(commentOf(webhook).body).toBe(TRUNCATION_MARKER)
        expect(webhook.payload.comment.body).toBe(TRUNCATION_MARKER)
        expect(reports).toHaveLength(1)
        expect(reports[0]?.fields.map((field) => field.path).sort()).toEqual([bodyPath, '$.payload.comment.body'].sort())
        expect(reports[0]?.originalBytes).toBeGreaterThan(2 * size)
        expect(reports[0]?.bytes).toBe(utf8JsonBytes(webhook))
        // Small fields stay as they were.
        expect(webhook.payload.ticket.summary).toBe('Customer cannot log in')
        expect(webhook.payload.ticket.tags).toEqual(ticket.tags)
        expect(commentOf(webhook).authorId).toBe(ALICE)
        expect(webhook.payload.comment.id).toBe(COMMENT)
      })
    }
  }

  it('replaces the largest fields first and stops as soon as the payload fits', () => {
    // Each of the body (200 KB) and the HTML body (20 KB) appears twice: 440 KB in all.
    // Cutting one copy of the body is enough.
    const { webhook, reports } = commentWebhook('b'.repeat(200_000), `<p>${'h'.repeat(20_000)}</p>`)
    expect(reports[0]?.fields.map((field) => field.path)).toEqual([bodyPath])
    expect(commentOf(webhook).body).toBe(TRUNCATION_MARKER)
    expect(webhook.payload.comment.body).toBe('b'.repeat(200_000))
    expect(commentOf(webhook).htmlBody).toBe(`<p>${'h'.repeat(20_000)}</p>`)
    expect(utf8JsonBytes(webhook)).toBeLessThanOrEqual(MAX)
  })

  it('counts multi-byte text in bytes, not characters', () => {
    // 100 000 × "€" is 100 000 characters but 300 000 bytes.
    const { webhook, reports } = commentWebhook('€'.repeat(100_000), undefined)
    expect(reports[0]?.fields).toHaveLength(2)
    expect(utf8JsonBytes(webhook)).toBeLessThanOrEqual(MAX)
  })

  it('cuts content in the previous ticket and in the event fields of a comment edit', () => {
    const { steps } = run(
      createCommand(),
      { type: 'addComment', commentId: COMMENT, body: 'x'.repeat(1_000_000), htmlBody: 'y'.repeat(500_000), public: true, authorId: ALICE },
      { type: 'editComment', commentId: COMMENT, body: 'z'.repeat(1_000_000) },
    )
    const { step, event } = find(steps, 'ticket:comment:updated')
    let report: WebhookTruncation | undefined
    const webhook = toWebhook(event, { ticket: step.after, previousTicket: step.before }, { onTruncate: (r) => (report = r) })
    expect(utf8JsonBytes(webhook)).toBeLessThanOrEqual(MAX)
    expect(report?.fields.map((field) => field.path).sort()).toEqual(
      [
        bodyPath,
        bodyPath.replace('.ticket.', '.previousTicket.'),
        htmlPath.replace('.ticket.', '.previousTicket.'),
        '$.payload.body',
        '$.payload.previousBody',
        '$.payload.previousHtmlBody',
      ].sort(),
    )
    expect(webhook.payload.previousBody).toBe(TRUNCATION_MARKER)
    expect(webhook.payload.commentId).toBe(COMMENT)
  })

  it('cuts large custom field values in the ticket and in the changes', () => {
    const { steps } = run(createCommand(), {
      type: 'update',
      customFields: { transcript: { lines: ['l'.repeat(150_000), 'm'.repeat(150_000)] } },
    })
    const updated = find(steps, 'ticket:updated')
    const added = find(steps, 'ticket:custom_field_value:added')
    const context = { ticket: updated.step.after, previousTicket: updated.step.before }
    let report: WebhookTruncation | undefined
    const update = toWebhook(updated.event, context, { onTruncate: (r) => (report = r) })
    expect(report?.fields.map((field) => field.path).sort()).toEqual([
      '$.payload.changes[0].to',
      '$.payload.ticket.customFields.transcript',
    ])
    expect(update.payload.ticket.customFields['transcript']).toBe(TRUNCATION_MARKER)
    expect(update.payload.changes[0]).toMatchObject({ field: 'customFields', key: 'transcript', from: null, to: TRUNCATION_MARKER })

    const derived = toWebhook(added.event, context, { onTruncate: (r) => (report = r) })
    expect(utf8JsonBytes(derived)).toBeLessThanOrEqual(MAX)
    expect(report?.fields.map((field) => field.path)).toContain('$.payload.value')
  })

  it('keeps a payload that fits exactly, and cuts it one byte below', () => {
    const added = addComment('q'.repeat(10_000), undefined)
    const full = render(added, { maxBytes: 10 * 1024 * 1024 })
    const exact = utf8JsonBytes(full.webhook)
    expect(full.reports).toEqual([])

    const fits = render(added, { maxBytes: exact })
    expect(fits.reports).toEqual([])
    expect(fits.webhook).toEqual(full.webhook)

    const cut = render(added, { maxBytes: exact - 1 })
    expect(cut.reports[0]?.fields).toHaveLength(1)
    expect(utf8JsonBytes(cut.webhook)).toBe(exact - 10_002 + JSON.stringify(TRUNCATION_MARKER).length)
  })

  it('leaves its inputs untouched', () => {
    const { webhook, ticket, event } = commentWebhook('w'.repeat(400_000), undefined)
    expect(commentOf(webhook).body).toBe(TRUNCATION_MARKER)
    expect(ticket.comments[COMMENT]?.body).toHaveLength(400_000)
    expect(event.payload.comment.body).toHaveLength(400_000)
  })

  it('throws PAYLOAD_TOO_LARGE when even the truncated payload cannot fit', () => {
    const { steps } = run(createCommand(), {
      type: 'addComment',
      commentId: COMMENT,
      body: 'x'.repeat(300_000),
      public: true,
      authorId: ALICE,
    })
    const { step, event } = find(steps, 'ticket:comment:added')
    let told = false
    try {
      toWebhook(event, { ticket: step.after }, { maxBytes: 100, onTruncate: () => (told = true) })
      expect.unreachable('toWebhook should have thrown')
    } catch (error) {
      expect(isTicketError(error) && error.code).toBe('PAYLOAD_TOO_LARGE')
      expect(isTicketError(error) && error.details).toMatchObject({ eventId: event.id, maxBytes: 100 })
    }
    expect(told).toBe(false)
  })
})

describe('jsonByteLength', () => {
  // Characters whose JSON form differs from their UTF-8 form: escapes, lone surrogates, astral characters.
  const tricky = fc.constantFrom('"', '\\', '\n', '\t', '\b', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', '😀', 'é', '€')
  const unit = fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))

  it('equals the UTF-8 length of JSON.stringify for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: unit, maxDepth: 4 }), (value) => {
        expect(jsonByteLength(value)).toBe(utf8JsonBytes(value))
      }),
      { numRuns: 500 },
    )
  })

  it('equals the UTF-8 length of JSON.stringify for long strings', () => {
    // Long strings (≥ 64 KiB) take the memoized path; repeating a short random piece keeps generation fast.
    const long = fc.string({ unit, minLength: 1, maxLength: 40 }).map((piece) => piece.repeat(Math.ceil(70_000 / piece.length)))
    fc.assert(
      fc.property(long, (value) => {
        expect(jsonByteLength({ a: value, b: value })).toBe(utf8JsonBytes({ a: value, b: value }))
      }),
      { numRuns: 30 },
    )
  })

  it('leaves out undefined members and writes undefined array items as null, as JSON.stringify does', () => {
    const value = { a: undefined, b: [undefined, 1], c: -0, d: 1e21 }
    expect(jsonByteLength(value)).toBe(utf8JsonBytes(value))
  })
})
