/**
 * Reads at scale on PostgreSQL: one workspace holding many tickets, a log of many events,
 * and the reads that grow with them — `list()` search, a deep page by `cursor` next to
 * the same page by `pageNumber` (OFFSET), and `events({ workspaceId, type })` for a rare
 * type. Each indexed read is measured against its own baseline in the same run: the same
 * query with the index dropped (the trigram index, the type indexes), or the OFFSET page.
 *
 * Not part of `npm run bench` (filling takes a while). Run it with the sizes you want:
 *
 *   npm run build && TICKET_EVENTS_PG_URL=postgres://… NODE_ENV=production \
 *     TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/postgres-scale.ts 200000 500000
 *
 * The rows are written with SQL (`generate_series`), not through the service: this
 * measures reads, and a million commands would take the bench an hour. The schema is the
 * store's own (migrated by `postgresStore`), dropped at the end.
 */
import pg from 'pg'
import { createTicketService } from 'ticket-events'
import { postgresStore } from 'ticket-events/postgres'
import { encodeListCursor } from '../src/service/list-cursor.js'
import { type BenchRow, formatRows } from './report.js'

const url = process.env['TICKET_EVENTS_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test'
const TICKETS = Number(process.argv[2] ?? 200_000)
const EVENTS = Number(process.argv[3] ?? 500_000)
const RUNS = 15
const schema = `te_bench_scale_${process.pid}`
const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const OTHER_WORKSPACE = '0c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
/** One ticket in this many has the rare word in its summary. */
const RARE_WORD_EVERY = 20_000
/** One event in this many has the rare type. */
const RARE_TYPE_EVERY = 10_000
const RARE_TYPE = 'ticket:csat:rated'
const CHUNK = 50_000

const uuidSql = (expression: string, prefix: string) => `('${prefix}' || lpad(to_hex(${expression}), 12, '0'))::uuid`

async function fill(client: pg.Client, tables: { projections: string; events: string }): Promise<void> {
  const start = performance.now()
  for (let from = 0; from < TICKETS; from += CHUNK) {
    const to = Math.min(TICKETS, from + CHUNK) - 1
    await client.query(`INSERT INTO ${tables.projections}
      (ticket_id, workspace_id, chat_id, status, assignee_id, tag_ids, summary_lower, archived, deleted, created_at, updated_at, version, state)
      SELECT id, '${WORKSPACE}', id, 'pending', NULL, '{}', summary, false, false, at, at, 1,
        json_build_object('id', id, 'workspaceId', '${WORKSPACE}', 'chatId', id, 'status', 'pending', 'summary', summary,
          'createdAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'version', 1, 'tags', '[]'::json)
      FROM (SELECT ${uuidSql('g', '7a1c0000-0000-4000-8000-')} AS id,
                   'customer cannot log in, queue ' || g % 10 || ', order ' || g || CASE WHEN g % ${RARE_WORD_EVERY} = 0 THEN ' zebrafish' ELSE '' END AS summary,
                   timestamptz '2024-01-01' + g * interval '1 second' AS at
            FROM generate_series(${from}, ${to}) AS g) AS rows`)
  }
  for (let from = 0; from < EVENTS; from += CHUNK) {
    const to = Math.min(EVENTS, from + CHUNK) - 1
    // One transaction per chunk, as the log's global order (transaction_id, position) expects.
    await client.query(`INSERT INTO ${tables.events} (id, ticket_id, workspace_id, version, type, occurred_at, event)
      SELECT lpad(to_hex(g), 26, '0'), ticket, workspace, g / ${TICKETS} + 1, type, at,
        json_build_object('id', lpad(to_hex(g), 26, '0'), 'type', type, 'ticketId', ticket, 'workspaceId', workspace,
          'occurredAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'payload', '{}'::json)
      FROM (SELECT g, ${uuidSql(`g % ${TICKETS}`, '7a1c0000-0000-4000-8000-')} AS ticket,
                   CASE WHEN g % 10 = 9 THEN '${OTHER_WORKSPACE}' ELSE '${WORKSPACE}' END::uuid AS workspace,
                   CASE WHEN g % ${RARE_TYPE_EVERY} = 7 THEN '${RARE_TYPE}'
                        WHEN g % 3 = 0 THEN 'ticket:created' WHEN g % 3 = 1 THEN 'ticket:updated' ELSE 'ticket:status:changed' END AS type,
                   timestamptz '2024-01-01' + g * interval '1 second' AS at
            FROM generate_series(${from}, ${to}) AS g) AS rows`)
  }
  await client.query(`ANALYZE ${tables.projections}`)
  await client.query(`ANALYZE ${tables.events}`)
  console.log(
    `filled ${TICKETS.toLocaleString('en-US')} tickets, ${EVENTS.toLocaleString('en-US')} events in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  )
}

/** The median of `RUNS` runs of `read`, in ms (after one unmeasured run). */
async function medianMs(read: () => Promise<unknown>): Promise<number> {
  await read()
  const times: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now()
    await read()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}

const pool = new pg.Pool({ connectionString: url, max: 2 })
const store = postgresStore({ pool, schema })
const tickets = createTicketService({ store })
const client = new pg.Client({ connectionString: url })
await client.connect()
try {
  await store.migrate()
  const trigram = (
    await client.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'ticket_projections_summary_trgm_idx'`, [schema])
  ).rowCount
  const tables = { projections: `"${schema}".ticket_projections`, events: `"${schema}".ticket_events` }
  await fill(client, tables)
  const rows: BenchRow[] = []
  const scale = `${TICKETS.toLocaleString('en-US')} tickets in one workspace`

  rows.push({ name: `list() first page, ${scale}`, value: await medianMs(() => tickets.list({ workspaceId: WORKSPACE })), unit: 'ms' })

  for (const pageNumber of [500, Math.floor(TICKETS / 10 / 2)]) {
    const offset = (pageNumber - 1) * 10
    const before = await client.query(
      `SELECT created_at, ticket_id FROM ${tables.projections} WHERE workspace_id = $1 ORDER BY created_at DESC, ticket_id OFFSET $2 LIMIT 1`,
      [WORKSPACE, offset - 1],
    )
    const { created_at: createdAt, ticket_id: ticketId } = before.rows[0] as { created_at: Date; ticket_id: string }
    const cursor = encodeListCursor({ createdAt: createdAt.toISOString(), ticketId })
    const byCursor = await tickets.list({ workspaceId: WORKSPACE, cursor })
    const byNumber = await tickets.list({ workspaceId: WORKSPACE, pageNumber })
    if (JSON.stringify(byCursor.result.map((t) => t.id)) !== JSON.stringify(byNumber.result.map((t) => t.id)))
      throw new Error('cursor and pageNumber pages differ')
    rows.push({
      name: `list() page ${pageNumber.toLocaleString('en-US')} (row ${(offset + 1).toLocaleString('en-US')}) by cursor, ${scale}`,
      value: await medianMs(() => tickets.list({ workspaceId: WORKSPACE, cursor })),
      unit: 'ms',
      baseline: {
        name: 'the same page by pageNumber (OFFSET)',
        value: await medianMs(() => tickets.list({ workspaceId: WORKSPACE, pageNumber })),
      },
    })
  }

  const rare = () => tickets.list({ workspaceId: WORKSPACE, search: 'zebrafish' })
  const matches = (await tickets.list({ workspaceId: WORKSPACE, search: 'zebrafish', pageSize: 100 })).result.length
  const withIndex = await medianMs(rare)
  // One ticket in ten, spread evenly through the list order (a text whose matches cluster
  // far down the order, like 'order 1' here, makes any plan walk to them).
  const common = await medianMs(() => tickets.list({ workspaceId: WORKSPACE, search: 'queue 3' }))
  if (trigram) await client.query(`DROP INDEX "${schema}".ticket_projections_summary_trgm_idx`)
  const withoutIndex = await medianMs(rare)
  rows.push({
    name: `list() search 'zebrafish' (${matches} matches), ${scale}${trigram ? ', pg_trgm GIN index' : ' (no pg_trgm here: no index)'}`,
    value: withIndex,
    unit: 'ms',
    baseline: { name: 'the same search without the trigram index (scan)', value: withoutIndex },
    target: '<= 10 ms',
  })
  rows.push({ name: `list() search 'queue 3' (one ticket in ten, first page), ${scale}, with the index`, value: common, unit: 'ms' })

  const events = `${EVENTS.toLocaleString('en-US')} events`
  const rareEvents = () => tickets.events({ workspaceId: WORKSPACE, type: RARE_TYPE, limit: 25 })
  const rareAnywhere = () => tickets.events({ type: RARE_TYPE, limit: 25 })
  const found = (await rareEvents()).result.length
  const typed = await medianMs(rareEvents)
  const typedAnywhere = await medianMs(rareAnywhere)
  await client.query(`DROP INDEX "${schema}".ticket_events_workspace_type_log_order_idx`)
  await client.query(`DROP INDEX "${schema}".ticket_events_type_log_order_idx`)
  rows.push({
    name: `events({ workspaceId, type }) rare type (${found} on the page), ${events}`,
    value: typed,
    unit: 'ms',
    baseline: { name: 'without the type indexes', value: await medianMs(rareEvents) },
    target: '<= 10 ms',
  })
  rows.push({
    name: `events({ type }) rare type, whole log, ${events}`,
    value: typedAnywhere,
    unit: 'ms',
    baseline: { name: 'without the type indexes', value: await medianMs(rareAnywhere) },
  })
  console.log(`\n${formatRows(`postgres at scale (node ${process.version}, ${new Date().toISOString()})`, rows)}\n`)
} finally {
  await tickets.close()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
  await pool.end()
}
