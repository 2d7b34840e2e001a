import { expect } from 'vitest'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { createTicketCommand, tagCommand, tagId, ticketId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { observeStore } from './observe-store.js'
import { untyped } from './untyped.js'

/** One kind of bad input: what it is, the call that carries it, and the key its issue names. */
interface BadInput {
  readonly what: string
  readonly call: (t: ContractContext) => Promise<unknown>
  readonly issuePath?: string
}

const EXISTING = ticketId(1)
const OTHER = ticketId(2)

/**
 * Bad input per entry point. Each entry point is checked in one test: one fresh store
 * per entry point rather than per input keeps the suite fast on real databases.
 */
const BAD_INPUTS: ReadonlyArray<readonly [title: string, inputs: readonly BadInput[]]> = [
  [
    'events() rejects bad queries with VALIDATION and changes nothing',
    [
      { what: 'an unknown filter key', call: (t) => t.tickets.events(untyped({ ticketId: EXISTING })) },
      { what: 'limit 5000', call: (t) => t.tickets.events(untyped({ limit: 5000 })), issuePath: 'limit' },
      { what: 'a negative limit', call: (t) => t.tickets.events(untyped({ limit: -1 })), issuePath: 'limit' },
      { what: 'a fractional limit', call: (t) => t.tickets.events(untyped({ limit: 2.5 })), issuePath: 'limit' },
      { what: 'a malformed afterId', call: (t) => t.tickets.events(untyped({ afterId: 'not-an-event-id' })), issuePath: 'afterId' },
      // A well-formed ULID that no stored event carries: the reader cannot know where it is.
      { what: 'an unknown afterId', call: (t) => t.tickets.events(untyped({ afterId: t.ctx.newId() })) },
      {
        what: 'a malformed occurredAfter',
        call: (t) => t.tickets.events(untyped({ occurredAfter: 'yesterday' })),
        issuePath: 'occurredAfter',
      },
      { what: 'a malformed workspaceId', call: (t) => t.tickets.events(untyped({ workspaceId: 'workspace-a' })), issuePath: 'workspaceId' },
      { what: 'a type longer than 255 characters', call: (t) => t.tickets.events(untyped({ type: 'x'.repeat(256) })), issuePath: 'type' },
      { what: 'a query that is not an object', call: (t) => t.tickets.events(untyped('limit=5')) },
    ],
  ],
  [
    'list() rejects bad queries with VALIDATION and changes nothing',
    [
      { what: 'an unknown filter key', call: (t) => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, sortBy: 'createdAt' })) },
      { what: 'pageSize 0', call: (t) => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, pageSize: 0 })), issuePath: 'pageSize' },
      { what: 'pageSize 101', call: (t) => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, pageSize: 101 })), issuePath: 'pageSize' },
      { what: 'pageNumber 0', call: (t) => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, pageNumber: 0 })), issuePath: 'pageNumber' },
      { what: 'no workspaceId', call: (t) => t.tickets.list(untyped({ status: 'pending' })), issuePath: 'workspaceId' },
      {
        what: 'an unknown status',
        call: (t) => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, status: 'closed' })),
        issuePath: 'status',
      },
      {
        what: 'a malformed tag id',
        call: (t) => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, tagIds: [tagId(1), "1' OR '1'='1"] })),
        issuePath: 'tagIds',
      },
    ],
  ],
  [
    'execute() rejects bad ticket ids, commands and scopes with VALIDATION and changes nothing',
    [
      { what: 'a malformed ticket id', call: (t) => t.run('ticket-1', tagCommand(1)), issuePath: 'ticketId' },
      { what: 'an unknown command type', call: (t) => t.run(EXISTING, { type: 'explode' }) },
      { what: 'a command with an unknown field', call: (t) => t.run(EXISTING, { ...tagCommand(2), color: 'red' }) },
      {
        what: 'a malformed workspace scope',
        call: (t) => t.run(EXISTING, tagCommand(2), { workspaceId: 'workspace-a' }),
        issuePath: 'workspaceId',
      },
    ],
  ],
  [
    'load() rejects a malformed ticket id with VALIDATION and changes nothing',
    [{ what: 'a SQL-looking ticket id', call: (t) => t.tickets.load("1'; DROP TABLE tickets; --"), issuePath: 'ticketId' }],
  ],
]

/** Bad input is `VALIDATION`, with zod's issue paths, and changes nothing. */
export function defineValidationTests(test: DefineContractTest): void {
  for (const [title, inputs] of BAD_INPUTS) {
    test(title, async (t) => {
      await t.run(EXISTING, createTicketCommand(EXISTING, WORKSPACE_A, { summary: 'existing ticket' }))
      await t.run(EXISTING, tagCommand(1))
      await t.run(OTHER, createTicketCommand(OTHER, WORKSPACE_B))
      const before = await observeStore(t, [EXISTING, OTHER])

      for (const { what, call, issuePath } of inputs) {
        const error = await expectTicketError(() => call(t), 'VALIDATION', {
          label: what,
          ...(issuePath === undefined ? {} : { issuePath }),
        })
        expect(error.message.length, what).toBeGreaterThan(0)
        expect(await observeStore(t, [EXISTING, OTHER]), `${what} changed the store`).toEqual(before)
      }
    })
  }
}
