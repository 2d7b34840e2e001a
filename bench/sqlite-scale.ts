/**
 * `list()` at scale on SQLite: one workspace holding many tickets, a search for a rare
 * word through the FTS5 trigram index (migration 4) next to the same search as a `LIKE`
 * scan (the same file with the index dropped, read by a fresh store), and a deep page by
 * `cursor` next to the same page by `pageNumber`.
 *
 * Not part of `npm run bench`. Run it with the size you want:
 *
 *   npm run build && NODE_ENV=production TSX_TSCONFIG_PATH=bench/tsconfig.json \
 *     node --import tsx bench/sqlite-scale.ts 200000
 *
 * Rows go in with SQL in one transaction (the triggers fill the search index as the
 * appends would), not through the service: this measures reads.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createTicketService } from 'ticket-events'
import { sqliteStore } from 'ticket-events/sqlite'
import { encodeListCursor } from '../src/service/list-cursor.js'
import { type BenchRow, formatRows } from './report.js'

const TICKETS = Number(process.argv[2] ?? 200_000)
const RUNS = 15
const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const RARE_WORD_EVERY = 20_000

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

const directory = mkdtempSync(join(tmpdir(), 'te-sqlite-scale-'))
const filename = join(directory, 'tickets.db')
try {
  const migrated = createTicketService({ store: sqliteStore({ filename }) })
  await migrated.list({ workspaceId: WORKSPACE })
  await migrated.close()

  const database = new Database(filename)
  const hasIndex = database.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'ticket_projections_search'`).get() !== undefined
  const start = performance.now()
  const insert = database.prepare(`INSERT INTO ticket_projections
    (id, workspace_id, chat_id, status, assignee_id, summary_folded, archived, deleted, created_at, updated_at, version, state)
    VALUES (?, ?, ?, 'pending', NULL, ?, 0, 0, ?, ?, 1, ?)`)
  database.transaction(() => {
    for (let n = 0; n < TICKETS; n++) {
      const id = `7a1c0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
      const summary = `customer cannot log in, order ${n}${n % RARE_WORD_EVERY === 0 ? ' zebrafish' : ''}`
      const at = new Date(Date.parse('2024-01-01T00:00:00.000Z') + n * 1000).toISOString()
      const state = { id, workspaceId: WORKSPACE, chatId: id, status: 'pending', summary, createdAt: at, version: 1, tags: [] }
      insert.run(id, WORKSPACE, id, summary, at, at, JSON.stringify(state))
    }
  })()
  database.exec('ANALYZE')
  console.log(`filled ${TICKETS.toLocaleString('en-US')} tickets in ${((performance.now() - start) / 1000).toFixed(1)} s`)

  const rows: BenchRow[] = []
  const scale = `${TICKETS.toLocaleString('en-US')} tickets in one workspace`
  const tickets = createTicketService({ store: sqliteStore({ filename }) })
  const search = (service: typeof tickets) => () => service.list({ workspaceId: WORKSPACE, search: 'zebrafish' })
  const matches = (await tickets.list({ workspaceId: WORKSPACE, search: 'zebrafish', pageSize: 100 })).result.length
  const indexed = await medianMs(search(tickets))

  const pageNumber = Math.floor(TICKETS / 10 / 2)
  const offset = (pageNumber - 1) * 10
  const before = database
    .prepare(`SELECT created_at, id FROM ticket_projections WHERE workspace_id = ? ORDER BY created_at DESC, id LIMIT 1 OFFSET ?`)
    .get(WORKSPACE, offset - 1) as { created_at: string; id: string }
  const cursor = encodeListCursor({ createdAt: before.created_at, ticketId: before.id })
  rows.push({
    name: `list() page ${pageNumber.toLocaleString('en-US')} (row ${(offset + 1).toLocaleString('en-US')}) by cursor, ${scale}`,
    value: await medianMs(() => tickets.list({ workspaceId: WORKSPACE, cursor })),
    unit: 'ms',
    baseline: {
      name: 'the same page by pageNumber (OFFSET)',
      value: await medianMs(() => tickets.list({ workspaceId: WORKSPACE, pageNumber })),
    },
  })
  await tickets.close()

  // The same file without the search index: a fresh store finds no index and scans with LIKE.
  for (const name of ['insert', 'delete', 'update']) database.exec(`DROP TRIGGER IF EXISTS ticket_projections_search_${name}`)
  database.exec('DROP TABLE IF EXISTS ticket_projections_search')
  database.close()
  const scanning = createTicketService({ store: sqliteStore({ filename }) })
  rows.push({
    name: `list() search 'zebrafish' (${matches} matches), ${scale}${hasIndex ? ', FTS5 trigram index' : ' (this SQLite has no FTS5 trigrams: no index)'}`,
    value: indexed,
    unit: 'ms',
    baseline: { name: 'the same search as a LIKE scan', value: await medianMs(search(scanning)) },
    target: '<= 10 ms',
  })
  await scanning.close()
  console.log(`\n${formatRows(`sqlite at scale (node ${process.version}, ${new Date().toISOString()})`, rows)}\n`)
} finally {
  rmSync(directory, { recursive: true, force: true })
}
