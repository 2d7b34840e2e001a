/**
 * What each table, index and column of the SQLite store costs per command: the raw
 * baseline of `bench/sqlite.ts` (the store's own statements on better-sqlite3) with one
 * part left out at a time, each against the whole schema in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchRow, BenchSection } from './report.js'
import { executeRaw, executeThroughService, type RawVariant } from './sqlite.js'

const COMMANDS = 5_000
const ROUNDS = 5

/** The raw baseline with one part left out or changed, by what it leaves out. */
export const costVariants: Record<string, RawVariant> = {
  'raw, the log with AUTOINCREMENT (schema 5)': {
    alter: [
      `CREATE TABLE e2 (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, ticket_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
  version INTEGER NOT NULL, type TEXT NOT NULL, occurred_at TEXT NOT NULL, payload TEXT NOT NULL, meta TEXT NOT NULL, UNIQUE (ticket_id, version))`,
      'DROP TABLE ticket_events',
      'ALTER TABLE e2 RENAME TO ticket_events',
      'CREATE INDEX ticket_events_by_workspace ON ticket_events (workspace_id, position)',
      'CREATE INDEX ticket_events_by_type ON ticket_events (type, position)',
    ],
  },
  'raw, rewriting every projection column and tag row (0.2.0)': { rewriteEverything: true },
  'raw, without the events-by-type index': { alter: ['DROP INDEX ticket_events_by_type'] },
  'raw, without the events-by-workspace index': { alter: ['DROP INDEX ticket_events_by_workspace'] },
  'raw, without the projection indexes (assignee, chat)': {
    alter: ['DROP INDEX ticket_projections_by_assignee', 'DROP INDEX ticket_projections_by_chat'],
  },
  'raw, without the FTS5 summary triggers': {
    alter: ['DROP TRIGGER ticket_projections_search_insert', 'DROP TRIGGER ticket_projections_search_update'],
  },
  'raw, without the state JSON in the projection': { projectionState: false },
  'raw, without the tag rows': { tags: false },
  'raw, without the audit rows': { audits: false },
  'raw, checkpointing every 10,000 WAL pages (SQLite: 1,000)': { pragmas: ['wal_autocheckpoint = 10000'] },
  'raw, 1 KiB pages (SQLite: 4 KiB)': { pageSize: 1024 },
  'raw, synchronous = FULL (an fsync per commit)': { pragmas: ['synchronous = FULL'] },
}

/** The raw baseline with each part left out, against the whole schema; commands/s. */
export const benchSqliteCosts: BenchSection = async () => {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bench-sqlite-costs-'))
  try {
    const { batches } = await executeThroughService(join(directory, 'service.db'))
    // Rounds alternate over every variant, best of each kept: on a busy machine a drift
    // in speed then hits every variant alike instead of whichever ran last.
    const all: [string, RawVariant][] = [['the whole schema', {}], ...Object.entries(costVariants)]
    const best = new Map<string, number>()
    let files = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, variant] of all) {
        const seconds = await executeRaw(join(directory, `raw-${++files}.db`), batches, variant)
        best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, seconds))
      }
    }
    const rate = (name: string) => COMMANDS / (best.get(name) as number)
    const whole = { name: 'raw better-sqlite3, the whole schema', value: rate('the whole schema') }
    const rows: BenchRow[] = Object.keys(costVariants).map((name) => ({
      name: `better-sqlite3 ${name}`,
      value: rate(name),
      unit: 'commands/s',
      baseline: whole,
    }))
    return rows
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
