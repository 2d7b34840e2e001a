/**
 * A ticket's life in PostgreSQL, then the global log read page by page with `afterId`.
 *
 * Run with a database URL (the example keeps its tables in a schema of their own):
 *
 * ```sh
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx examples/postgres/index.ts
 * ```
 */
import { createTicketService, isTicketError } from 'ticket-events'
import { postgresStore } from 'ticket-events/postgres'

const url = process.env['DATABASE_URL'] || process.env['TICKET_EVENTS_PG_URL']
if (!url) {
  console.error('Set DATABASE_URL (or TICKET_EVENTS_PG_URL) to a PostgreSQL URL, for example:')
  console.error('  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx examples/postgres/index.ts')
  process.exit(1)
}

const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const agent = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const billingTag = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ticketId = crypto.randomUUID()

// The store opens its own pool from the URL and ends it when the service closes.
const tickets = createTicketService({ store: postgresStore({ connectionString: url, schema: 'ticket_events_example' }) })

try {
  // Where the log ends now, so the pages below show only this run's events.
  const before = (await tickets.events({ workspaceId, limit: 1000 })).result.at(-1)?.id

  const run = async (command: Parameters<typeof tickets.execute>[1]) => {
    const { events } = await tickets.execute(ticketId, command)
    console.log(`> ${(command as { type: string }).type}: ${events.map((event) => event.type).join(', ') || '(no change)'}`)
  }
  await run({
    type: 'create',
    workspaceId,
    chatId: crypto.randomUUID(),
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary: 'Refund request',
  })
  await run({ type: 'takeover', assigneeId: agent })
  const tagOnce = { type: 'tag', tagId: billingTag, meta: { commandId: `tag-${ticketId}` } } as const
  await run(tagOnce)
  // The same command id again: the first result comes back and nothing is appended.
  const repeat = await tickets.execute(ticketId, tagOnce)
  console.log(`> tag (repeated command id): version still ${repeat.state.version}, now ${(await tickets.load(ticketId))?.version}`)
  await run({ type: 'update', priority: 'high', customFields: { order_id: 'A-1042' } })
  await run({ type: 'addComment', body: 'Refund issued.', public: true, authorId: agent })
  await run({ type: 'complete', userId: agent })
  try {
    await run({ type: 'complete', userId: agent })
  } catch (error) {
    if (!isTicketError(error)) throw error
    console.log(`> complete again: rejected, ${error.code}: ${error.message}`)
  }

  const ticket = await tickets.load(ticketId)
  console.log(`\nTicket ${ticketId}: status=${ticket?.status}, version=${ticket?.version}, tags=${ticket?.tags.join(',')}`)
  const listed = await tickets.list({ workspaceId, tagIds: [billingTag], search: 'refund' })
  console.log(`list({ tagIds, search: 'refund' }) finds ${listed.result.length} ticket(s) in the workspace`)

  console.log('\nThe log, 4 events per page:')
  let afterId = before
  for (let page = 1; ; page++) {
    const { result } = await tickets.events({ workspaceId, limit: 4, ...(afterId ? { afterId } : {}) })
    if (result.length === 0) break
    console.log(`  page ${page}: ${result.map((event) => `v${event.version} ${event.type}`).join(' | ')}`)
    afterId = result.at(-1)?.id
  }
} finally {
  await tickets.close()
}
