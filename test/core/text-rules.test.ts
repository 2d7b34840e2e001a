import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { isWellFormed, isWellFormedByPattern } from '../../src/core/model/text.js'
import { type Command, handle } from '../../src/index.js'
import { identifierSchema, isoDateTimeSchema, textSchema, uuidSchema } from '../../src/schemas/index.js'
import { ALICE, createPending, given, handleUntyped, rejection, TAG_A } from '../support/core-fixtures.js'
import { untyped } from '../support/untyped.js'

/** A character of any kind, lone surrogates, NUL and the C0/C1 controls made common. */
const anyCharacter = fc.oneof(
  fc.constantFrom('\u0000', '\u0001', '\t', '\n', '\u001f', '\u007f', '\u0080', '\u009f', '\u00a0', '\ud800', '\udbff', '\udc00', '\udfff'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
)
const anyString = fc.string({ unit: anyCharacter, maxLength: 30 })

/** The rules, written out plainly, that the schemas must agree with. */
const hasLoneSurrogate = (text: string): boolean => {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1)
      if (next >= 0xdc00 && next <= 0xdfff) index++
      else return true
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return true
  }
  return false
}
const isControl = (text: string): boolean =>
  [...text].some((character) => {
    const code = character.charCodeAt(0)
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f)
  })

const { state } = given(createPending)
const comment = (body: string) => ({ type: 'addComment' as const, body, public: true, authorId: ALICE })
const meta = (fields: Record<string, unknown>) => untyped<Command>({ type: 'tag', tagId: TAG_A, meta: fields })

describe('text', () => {
  it('accepts exactly the strings without U+0000 and without lone surrogates', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(z.safeParse(textSchema(100), text).success).toBe(!text.includes('\u0000') && !hasLoneSurrogate(text))
      }),
    )
  })

  it('finds lone surrogates the same way with and without String.prototype.isWellFormed', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(isWellFormedByPattern(text)).toBe(!hasLoneSurrogate(text))
        expect(isWellFormed(text)).toBe(!hasLoneSurrogate(text))
      }),
    )
  })

  it('keeps newlines, tabs and other control characters in summaries, bodies and custom fields', () => {
    const text = 'Line one\nline two\tcolumn\r\n\u0001\u007f\u0085 end'
    const { state: next } = given({ ...createPending, summary: text, customFields: { note: text } }, comment(text), {
      type: 'update',
      summary: `${text}!`,
    })
    expect(next.summary).toBe(`${text}!`)
    expect(next.customFields['note']).toBe(text)
    expect(Object.values(next.comments).map((entry) => entry.body)).toEqual([text])
  })

  it.each([
    ['a summary', { type: 'update', summary: 'a\u0000' }, ['summary']],
    ['a comment body', comment('\u0000'), ['body']],
    ['an HTML body', { ...comment('ok'), htmlBody: '<p>\u0000</p>' }, ['htmlBody']],
    ['a redaction text', { type: 'redactComment', commentId: ALICE, text: '\u0000' }, ['text']],
    ['a custom field value', { type: 'update', customFields: { plan: { tiers: ['\u0000'] } } }, ['customFields', 'plan']],
    ['an attachment URL', { ...comment('ok'), attachments: [attachment({ url: 'https://x.test/\u0000' })] }, ['attachments', 0, 'url']],
    ['a via channel', meta({ via: { channel: 'e\u0000mail' } }), ['meta', 'via', 'channel']],
  ])('refuses U+0000 in %s, naming the field', (_, command, path) => {
    const error = rejection(() => handleUntyped(state, command))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(path)
    expect(error.issues[0]?.message).toMatch(/U\+0000/)
  })

  it.each([
    ['a summary', { type: 'update', summary: 'x\ud83d' }, ['summary']],
    ['a comment body', comment('\ude00'), ['body']],
    ['an emoji', { type: 'react', commentId: ALICE, emoji: '\ud83d', userId: ALICE }, ['emoji']],
    ['a custom field value', { type: 'update', customFields: { plan: '\udbff' } }, ['customFields', 'plan']],
    ['a key inside a custom field value', { type: 'update', customFields: { plan: { '\ud800': 1 } } }, ['customFields', 'plan']],
    ['a file name', { ...comment('ok'), attachments: [attachment({ fileName: '\udc00.pdf' })] }, ['attachments', 0, 'fileName']],
  ])('refuses a lone surrogate in %s, naming the field', (_, command, path) => {
    const error = rejection(() => handleUntyped(state, command))
    expect(error.issues[0]?.path).toEqual(path)
    expect(error.issues[0]?.message).toMatch(/lone surrogate/)
  })

  it('accepts emoji and other astral characters, whose surrogates come in pairs', () => {
    const { state: next } = given(createPending, { type: 'update', summary: '😀 \u{10ffff} 𝄞' })
    expect(next.summary).toBe('😀 \u{10ffff} 𝄞')
  })
})

describe('identifiers', () => {
  it('accept exactly the 1–255 character strings without control characters and lone surrogates', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const expected = text.length >= 1 && !isControl(text) && !hasLoneSurrogate(text)
        expect(z.safeParse(identifierSchema(), text).success).toBe(expected)
      }),
    )
  })

  it.each([
    ['commandId', { commandId: 'take\tover' }, ['meta', 'commandId']],
    ['actor.id', { actor: { type: 'user', id: 'alice\u0000' } }, ['meta', 'actor', 'id']],
    ['correlationId', { correlationId: 'req\n1' }, ['meta', 'correlationId']],
    ['correlationId (C1 control)', { correlationId: 'req\u00851' }, ['meta', 'correlationId']],
  ])('refuse a control character in %s', (_, fields, path) => {
    const error = rejection(() => handleUntyped(state, meta(fields)))
    expect(error.issues[0]?.path).toEqual(path)
  })

  it('say which rule a refused identifier broke', () => {
    expect(rejection(() => handleUntyped(state, meta({ commandId: 'a\u0000' }))).issues[0]?.message).toBe(
      'Must not contain the NUL character (U+0000)',
    )
    expect(rejection(() => handleUntyped(state, meta({ commandId: 'a\u0007' }))).issues[0]?.message).toBe(
      'Must not contain control characters (U+0000–U+001F, U+007F–U+009F)',
    )
    expect(rejection(() => handleUntyped(state, meta({ commandId: 'a\ud800' }))).issues[0]?.message).toMatch(/lone surrogate/)
  })

  it('accept any printable Unicode', () => {
    const result = handle(state, meta({ commandId: 'größe/😀 #1', correlationId: 'req 42', actor: { type: 'user', id: 'Zoë O’Brien' } }))
    expect(result.events[0]?.meta).toMatchObject({ commandId: 'größe/😀 #1', correlationId: 'req 42' })
  })
})

describe('UUIDs', () => {
  it('are lower-cased by the schema, so every id in state and events is lower case', () => {
    const upper = (id: string) => id.toUpperCase()
    const { state: created, last } = given({
      ...createPending,
      ticketId: upper(createPending.ticketId),
      workspaceId: upper(createPending.workspaceId),
      chatId: upper(createPending.chatId),
      tags: [upper(TAG_A)],
    })
    expect(created).toMatchObject({
      id: createPending.ticketId,
      workspaceId: createPending.workspaceId,
      chatId: createPending.chatId,
      tags: [TAG_A],
    })
    expect(last.events.every((event) => event.ticketId === createPending.ticketId)).toBe(true)
    // The tag is the same one in either case, so tagging again changes nothing.
    expect(handle(created, { type: 'tag', tagId: TAG_A }).events).toEqual([])
    expect(handle(created, { type: 'untag', tagId: upper(TAG_A) }).state.tags).toEqual([])
  })

  it('parse to the lower-case form for any mix of cases', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }), (uuid, uppers) => {
        const mixed = [...uuid].map((character, index) => (uppers[index] ? character.toUpperCase() : character)).join('')
        expect(z.parse(uuidSchema, mixed)).toBe(uuid)
      }),
    )
  })
})

describe('date-times', () => {
  it.each(['9999-12-31T23:59:59-14:00', '0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00'])(
    'refuses %s: outside years 0001–9999 in UTC',
    (time) => {
      expect(z.safeParse(isoDateTimeSchema, time).success).toBe(false)
      const error = rejection(() =>
        handle(state, { type: 'recordSlaBreach', metric: 'first_reply_time', target: { minutes: 5, inBusinessHours: false }, at: time }),
      )
      expect(error.issues[0]).toMatchObject({ path: ['at'], message: 'Expected a date-time between years 0001 and 9999 in UTC' })
    },
  )

  it('normalises the edges of the range to UTC', () => {
    expect(z.parse(isoDateTimeSchema, '0001-01-01T01:00:00+01:00')).toBe('0001-01-01T00:00:00.000Z')
    expect(z.parse(isoDateTimeSchema, '9999-12-31T09:59:59.999-14:00')).toBe('9999-12-31T23:59:59.999Z')
  })
})

describe('messages for missing values', () => {
  it('say a required field is missing, and what to send', () => {
    const { chatId: _, ...withoutChat } = createPending
    const error = rejection(() => handleUntyped(null, withoutChat))
    expect(error.issues).toEqual([{ path: ['chatId'], message: 'Missing required value: expected a UUID', code: 'invalid_type' }])
    expect(error.message).toBe('Invalid command: chatId: Missing required value: expected a UUID')
  })

  it('say so where null is allowed', () => {
    const { assigneeId: _, ticketingTeamId: __, ...withoutNullables } = createPending
    const error = rejection(() => handleUntyped(null, withoutNullables))
    expect(error.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['ticketingTeamId'], 'Missing required value: expected a UUID, or null for none'],
      [['assigneeId'], 'Missing required value: expected a UUID, or null for none'],
    ])
    expect(rejection(() => handleUntyped(state, { type: 'assign' })).issues[0]?.message).toBe(
      'Missing required value: expected a UUID, or null for none',
    )
  })

  it('name the type or the options of other missing fields', () => {
    const error = rejection(() => handleUntyped(state, { type: 'addComment', body: 'hi', authorId: ALICE }))
    expect(error.issues[0]).toMatchObject({ path: ['public'], message: 'Missing required value: expected boolean' })
    const { status: _, ...withoutStatus } = createPending
    expect(rejection(() => handleUntyped(null, withoutStatus)).issues[0]).toMatchObject({
      path: ['status'],
      message: 'Missing required value: expected one of "pending"|"ongoing"|"completed"',
    })
  })

  it('still say what was wrong with a value that is there', () => {
    expect(rejection(() => handleUntyped(null, { ...createPending, chatId: 'chat-1' })).issues[0]?.message).toBe('Expected a UUID')
    expect(rejection(() => handleUntyped(state, { type: 'assign', assigneeId: 7 })).issues[0]?.message).toBe(
      'Expected a UUID, or null for none',
    )
    expect(rejection(() => handleUntyped(state, { type: 'update', priority: 'asap' })).issues[0]?.message).toBe(
      'Expected one of "low"|"normal"|"high"|"urgent", or null to clear it',
    )
    expect(
      rejection(() => handleUntyped(state, { type: 'addComment', body: 'hi', authorId: ALICE, public: 'yes' })).issues[0]?.message,
    ).toBe('Invalid input: expected boolean, received string')
  })
})

function attachment(fields: Record<string, unknown>) {
  return { id: 'file-1', fileName: 'report.pdf', contentType: 'application/pdf', size: 10, url: 'https://files.test/report.pdf', ...fields }
}
