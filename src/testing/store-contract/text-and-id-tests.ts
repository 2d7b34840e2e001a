import fc from 'fast-check'
import { expect } from 'vitest'
import type { Command } from '../../core/model/command.js'
import { FORBIDDEN_KEYS } from '../../core/model/json.js'
import { findTextProblem } from '../../core/model/text.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { chatId, createTicketCommand, fixtureUuid, tagCommand, tagId, ticketId, userId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { observeStore, settledLog } from './observe-store.js'

/** One refused input: what it is, the call that carries it, and the key its issue names. */
interface RefusedInput {
  readonly what: string
  readonly call: (t: ContractContext) => Promise<unknown>
  readonly issuePath: string
}

const EXISTING = ticketId(1)
const FRESH = ticketId(2)

const withMeta = (meta: Record<string, unknown>): Command => ({ ...tagCommand(2), meta }) as Command

/** Strings no store can keep unchanged (U+0000, lone surrogates), in every kind of field. */
const UNSTORABLE: readonly RefusedInput[] = [
  { what: 'U+0000 in a summary', call: (t) => t.run(EXISTING, { type: 'update', summary: 'a\u0000b' }), issuePath: 'summary' },
  {
    what: 'U+0000 in the summary of a new ticket',
    call: (t) => t.run(FRESH, createTicketCommand(FRESH, WORKSPACE_A, { summary: '\u0000' })),
    issuePath: 'summary',
  },
  {
    what: 'U+0000 in a comment body',
    call: (t) => t.run(EXISTING, { type: 'addComment', body: 'x\u0000', public: true, authorId: userId(1) }),
    issuePath: 'body',
  },
  {
    what: 'U+0000 in a custom field value',
    call: (t) => t.run(EXISTING, { type: 'update', customFields: { plan: ['gold', { note: '\u0000' }] } }),
    issuePath: 'customFields',
  },
  { what: 'U+0000 in a command id', call: (t) => t.run(EXISTING, tagCommand(2, 'tag\u0000')), issuePath: 'commandId' },
  { what: 'U+0000 in an events type filter', call: (t) => t.tickets.events({ type: 'ticket:created\u0000' }), issuePath: 'type' },
  { what: 'U+0000 in a search', call: (t) => t.tickets.list({ workspaceId: WORKSPACE_A, search: '\u0000' }), issuePath: 'search' },
  {
    what: 'a lone high surrogate in a summary',
    call: (t) => t.run(EXISTING, { type: 'update', summary: 'x\ud83d' }),
    issuePath: 'summary',
  },
  {
    what: 'a lone low surrogate in a comment body',
    call: (t) => t.run(EXISTING, { type: 'addComment', body: '\ude00x', public: true, authorId: userId(1) }),
    issuePath: 'body',
  },
  // On PostgreSQL both would be stored as `tag-\ufffd`: the second one would pass for a repeat of the first.
  { what: 'a command id with one lone surrogate', call: (t) => t.run(EXISTING, tagCommand(2, 'tag-\ud800')), issuePath: 'commandId' },
  { what: 'a command id with another lone surrogate', call: (t) => t.run(EXISTING, tagCommand(3, 'tag-\udbff')), issuePath: 'commandId' },
  {
    what: 'a lone surrogate in a key of meta.via.source',
    call: (t) => t.run(EXISTING, withMeta({ via: { channel: 'email', source: { from: { '\udc00': 'x' } } } })),
    issuePath: 'from',
  },
  {
    what: 'a lone surrogate in an actor id',
    call: (t) => t.run(EXISTING, withMeta({ actor: { type: 'user', id: '\ud800' } })),
    issuePath: 'id',
  },
  { what: 'a lone surrogate in an events type filter', call: (t) => t.tickets.events({ type: '\udfff' }), issuePath: 'type' },
  {
    what: 'a lone surrogate in a search',
    call: (t) => t.tickets.list({ workspaceId: WORKSPACE_A, search: 'refund \ud83d' }),
    issuePath: 'search',
  },
]

/** Control characters, refused only in identifiers. */
const CONTROL_IN_IDENTIFIERS: readonly RefusedInput[] = [
  { what: 'a tab in a command id', call: (t) => t.run(EXISTING, tagCommand(2, 'tag\t2')), issuePath: 'commandId' },
  {
    what: 'U+0007 in an actor id',
    call: (t) => t.run(EXISTING, withMeta({ actor: { type: 'user', id: 'alice\u0007' } })),
    issuePath: 'id',
  },
  {
    what: 'a newline in a correlation id',
    call: (t) => t.run(EXISTING, withMeta({ correlationId: 'req\n42' })),
    issuePath: 'correlationId',
  },
  {
    what: 'U+0085 in a correlation id',
    call: (t) => t.run(EXISTING, withMeta({ correlationId: 'req\u008542' })),
    issuePath: 'correlationId',
  },
  { what: 'U+007F in an events type filter', call: (t) => t.tickets.events({ type: 'ticket:created\u007f' }), issuePath: 'type' },
]

/** Times whose UTC instant lies outside years 0001–9999. */
const OUT_OF_RANGE_TIMES = ['9999-12-31T23:59:59-14:00', '0000-01-01T00:00:00Z', '0000-12-31T23:59:59.999Z', '0001-01-01T00:30:00+01:00']

/** Any character a summary may hold, with the ones stores and SQL treat specially made common. */
const TRICKY = fc.constantFrom(
  '\n',
  '\r',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\uffff',
  '%',
  '_',
  '\\',
  "'",
  '"',
  ';',
  '--',
  '/*',
  'İ',
  'ß',
  'Σ',
  '😀',
  '\u{10ffff}',
)
const anyCharacter = fc.oneof(TRICKY, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
/** Strings the text schemas accept, of `minLength` to `maxLength` characters. */
const acceptedText = (minLength: number, maxLength: number) =>
  fc.string({ unit: anyCharacter, minLength, maxLength }).filter((text) => text.length >= minLength && findTextProblem(text) === null)

async function expectRefused(t: ContractContext, inputs: readonly RefusedInput[]): Promise<void> {
  await t.run(EXISTING, createTicketCommand(EXISTING, WORKSPACE_A, { summary: 'existing ticket' }))
  await t.run(EXISTING, tagCommand(1))
  const before = await observeStore(t, [EXISTING, FRESH])
  for (const { what, call, issuePath } of inputs) {
    await expectTicketError(() => call(t), 'VALIDATION', { label: what, issuePath })
    expect(await observeStore(t, [EXISTING, FRESH]), `${what} changed the store`).toEqual(before)
  }
}

/** Text rules and case-insensitive ids: every store answers alike, and keeps what it accepts unchanged. */
export function defineTextAndIdTests(test: DefineContractTest): void {
  test('refuses U+0000 in any text and lone surrogates in any string with VALIDATION, and changes nothing', async (t) => {
    await expectRefused(t, UNSTORABLE)
  })

  test('refuses control characters in identifiers with VALIDATION, and changes nothing', async (t) => {
    await expectRefused(t, CONTROL_IN_IDENTIFIERS)
  })

  test('keeps newlines, tabs and other control characters in summaries, bodies and custom fields', async (t) => {
    const summary = 'Line one\nline two\tcolumn\r\n\u0001\u007f\u0085 end'
    const body = 'Hello,\n\n\tindented\u000b\u000c'
    const created = await t.run(EXISTING, {
      ...createTicketCommand(EXISTING, WORKSPACE_A, { summary }),
      customFields: { note: 'a\tb\nc' },
    } as Command)
    const commented = await t.run(EXISTING, { type: 'addComment', body, htmlBody: '<p>\n</p>', public: true, authorId: userId(1) })

    const loaded = await t.tickets.load(EXISTING)
    expect(loaded).toEqual(commented.state)
    expect(loaded?.summary).toBe(summary)
    expect(loaded?.customFields).toEqual({ note: 'a\tb\nc' })
    expect(Object.values(loaded?.comments ?? {}).map((comment) => comment.body)).toEqual([body])
    expect(await settledLog(t)).toEqual([...created.events, ...commented.events])
    const found = await t.tickets.list({ workspaceId: WORKSPACE_A, search: 'one\nLINE TWO\tcolumn' })
    expect(found.result).toEqual([commented.state])
  })

  test('events() refuses an occurredAfter outside years 0001–9999 in UTC, and takes the edges', async (t) => {
    const created = await t.run(EXISTING, createTicketCommand(EXISTING, WORKSPACE_A))
    for (const occurredAfter of OUT_OF_RANGE_TIMES) {
      await expectTicketError(() => t.tickets.events({ occurredAfter }), 'VALIDATION', { label: occurredAfter, issuePath: 'occurredAfter' })
    }
    await settledLog(t)
    const earliest = await t.tickets.events({ occurredAfter: '0001-01-01T01:00:00+01:00' })
    expect(earliest).toEqual({ query: { occurredAfter: '0001-01-01T00:00:00.000Z', limit: 25 }, result: created.events })
    const latest = await t.tickets.events({ occurredAfter: '9999-12-31T23:59:59.999Z' })
    expect(latest).toEqual({ query: { occurredAfter: '9999-12-31T23:59:59.999Z', limit: 25 }, result: [] })
  })

  test('treats UUIDs case-insensitively: an upper-case id names the same ticket, workspace, chat, user and tag', async (t) => {
    const upper = (id: string) => id.toUpperCase()
    const id = ticketId(3)
    const created = await t.run(upper(id), {
      ...createTicketCommand(upper(id), upper(WORKSPACE_A)),
      chatId: upper(chatId(1)),
      assigneeId: upper(userId(1)),
      tags: [upper(tagId(1))],
    } as Command)
    expect(created.state).toMatchObject({ id, workspaceId: WORKSPACE_A, chatId: chatId(1), assigneeId: userId(1), tags: [tagId(1)] })

    await expectTicketError(() => t.run(id, createTicketCommand(id, WORKSPACE_A)), 'ALREADY_EXISTS', { label: 'lower-case create' })
    expect(await t.tickets.load(upper(id), undefined, { workspaceId: upper(WORKSPACE_A) })).toEqual(created.state)
    expect(await t.tickets.load(id, undefined, { workspaceId: upper(WORKSPACE_B) })).toBeNull()
    const untagged = await t.run(upper(id), { type: 'untag', tagId: tagId(1) }, { workspaceId: upper(WORKSPACE_A) })
    expect(untagged.state.tags).toEqual([])

    const listed = await t.tickets.list({
      workspaceId: upper(WORKSPACE_A),
      chatIds: [upper(chatId(1))],
      assigneeIds: upper(userId(1)),
    })
    expect(listed.query).toMatchObject({ workspaceId: WORKSPACE_A, chatIds: [chatId(1)], assigneeIds: [userId(1)] })
    expect(listed.result).toEqual([untagged.state])
    const log = await settledLog(t)
    const page = await t.tickets.events({ workspaceId: upper(WORKSPACE_A), limit: 1000 })
    expect(page.query.workspaceId).toBe(WORKSPACE_A)
    expect(page.result).toEqual(log)
    expect(log.every((event) => event.ticketId === id && event.workspaceId === WORKSPACE_A)).toBe(true)
  })

  test('keeps every string the schemas accept unchanged: load, events and list return it as sent', async (t) => {
    let run = 0
    let seen = 0
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          summary: acceptedText(0, 40),
          note: acceptedText(0, 40),
          channel: acceptedText(1, 20),
          // Any key but the three that could reach a prototype (refused on purpose).
          sourceKey: acceptedText(0, 20).filter((key) => !FORBIDDEN_KEYS.has(key)),
          sourceValue: acceptedText(0, 20),
          body: acceptedText(1, 60),
        }),
        async ({ summary, note, channel, sourceKey, sourceValue, body }) => {
          const id = fixtureUuid(0x7e, ++run)
          const meta = { via: { channel, source: { from: { [sourceKey]: sourceValue } } } }
          const created = await t.run(id, {
            ...createTicketCommand(id, WORKSPACE_A, { summary }),
            customFields: { note },
            meta,
          } as Command)
          const commented = await t.run(id, { type: 'addComment', body, public: false, authorId: userId(1), meta })
          const state = commented.state

          expect(state.summary).toBe(summary)
          expect(state.customFields['note']).toBe(note)
          expect(Object.values(state.comments).map((comment) => comment.body)).toEqual([body])
          expect(await t.tickets.load(id)).toEqual(state)
          const log = await settledLog(t)
          expect(log.slice(seen)).toEqual([...created.events, ...commented.events])
          seen = log.length
          const { result } = await t.tickets.list({ workspaceId: WORKSPACE_A, search: summary, pageSize: 100 })
          expect(result).toContainEqual(state)
        },
      ),
      { numRuns: 25 },
    )
  })
}
