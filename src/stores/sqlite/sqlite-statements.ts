/**
 * The SQL of the SQLite store, in one place.
 *
 * @internal
 * @module
 */
import { quoteIdentifier } from '../shared/sql-names.js'
import { type SqliteTables, summarySearchTable } from './sqlite-schema.js'

/** The statements of one table prefix, as built by {@link sqliteStatements}. */
export type SqliteStatements = ReturnType<typeof sqliteStatements>

/** The columns of an event row, in the order `toEvent` reads them. */
export const EVENT_COLUMNS = 'id, ticket_id, workspace_id, version, type, occurred_at, payload, meta'

/**
 * Every statement the store runs on the tables of one prefix. `append` is shared with the
 * bench, whose raw-driver baseline writes exactly the same rows with exactly the same SQL.
 */
export function sqliteStatements(tables: SqliteTables) {
  const t = tables.quoted
  const search = quoteIdentifier(summarySearchTable(tables))
  return {
    append: {
      currentVersion: `SELECT COALESCE(MAX(version), 0) AS version FROM ${t.events} WHERE ticket_id = ?`,
      recordedCommand: `SELECT recorded_at FROM ${t.commands} WHERE ticket_id = ? AND command_id = ?`,
      insertEvent: `INSERT INTO ${t.events} (id, ticket_id, workspace_id, version, type, occurred_at, payload, meta)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      // Only the columns no index covers are set on conflict: SQLite rewrites an index
      // entry whenever its column is in the SET list, even to the same value, which cost
      // three index pages per command. The indexed columns follow in `updateProjectionKeys`.
      upsertProjection: `INSERT INTO ${t.projections} (id, workspace_id, chat_id, status, assignee_id, summary_folded, archived, deleted,
      created_at, updated_at, version, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
      status = excluded.status, summary_folded = excluded.summary_folded, archived = excluded.archived,
      deleted = excluded.deleted, updated_at = excluded.updated_at, version = excluded.version, state = excluded.state`,
      /** The indexed columns, written only when one of them changed (a reassignment, mostly). */
      updateProjectionKeys: `UPDATE ${t.projections} SET workspace_id = ?, chat_id = ?, assignee_id = ?, created_at = ?
    WHERE id = ? AND (workspace_id IS NOT ? OR chat_id IS NOT ? OR assignee_id IS NOT ? OR created_at IS NOT ?)`,
      // The tag rows follow the state's tags by removing and adding only what changed, so
      // an unchanged set (most commands) writes no page; the difference is taken in
      // JavaScript, which costs SQLite a third of what `json_each` did.
      storedTags: `SELECT tag_id FROM ${t.tags} WHERE ticket_id = ?`,
      deleteTag: `DELETE FROM ${t.tags} WHERE ticket_id = ? AND tag_id = ?`,
      insertTag: `INSERT OR IGNORE INTO ${t.tags} (ticket_id, tag_id) VALUES (?, ?)`,
      insertAudit: `INSERT INTO ${t.audits} (id, ticket_id, created_at, version, record) VALUES (?, ?, ?, ?, ?)`,
      insertSnapshot: `INSERT OR REPLACE INTO ${t.snapshots} (ticket_id, schema_version, version, state) VALUES (?, ?, ?, ?)`,
      insertCommand: `INSERT OR REPLACE INTO ${t.commands} (ticket_id, command_id, recorded_at, result) VALUES (?, ?, ?, ?)`,
    },
    newestSnapshot: `SELECT version, state FROM ${t.snapshots}
    WHERE ticket_id = ? AND schema_version = ? ORDER BY version DESC LIMIT 1`,
    newestSnapshotAt: `SELECT version, state FROM ${t.snapshots}
    WHERE ticket_id = ? AND schema_version = ? AND version <= ? ORDER BY version DESC LIMIT 1`,
    // One ticket's events share ticket_id and workspace_id: leaving them out of each row
    // spares two strings per event on the hot path of every command.
    streamAfter: `SELECT id, version, type, occurred_at, payload, meta FROM ${t.events} WHERE ticket_id = ? AND version > ? ORDER BY version`,
    streamBetween: `SELECT id, version, type, occurred_at, payload, meta FROM ${t.events}
    WHERE ticket_id = ? AND version > ? AND version <= ? ORDER BY version`,
    streamWorkspace: `SELECT workspace_id FROM ${t.events} WHERE ticket_id = ? LIMIT 1`,
    eventPosition: `SELECT position, workspace_id AS workspaceId FROM ${t.events} WHERE id = ?`,
    command: `SELECT result FROM ${t.commands} WHERE ticket_id = ? AND command_id = ? AND recorded_at >= ?`,
    auditTicket: `SELECT workspace_id FROM ${t.projections} WHERE id = ?`,
    auditCursor: `SELECT version FROM ${t.audits} WHERE id = ? AND ticket_id = ?`,
    readAudits: `SELECT version, record FROM ${t.audits} WHERE ticket_id = ? AND version > ? ORDER BY version LIMIT ?`,
    eventExists: `SELECT 1 AS found FROM ${t.events} WHERE id = ?`,
    pruneCommands: `DELETE FROM ${t.commands} WHERE recorded_at < ?`,
    // Read right after the DELETE on the same connection: nothing can run in between.
    changes: 'SELECT changes() AS count',
    /** The log after a position, with `conditions` (fixed fragments; every value a parameter). */
    readEvents: (conditions: readonly string[]) =>
      `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT ?`,
    /** Only tickets carrying one of the tags in a JSON array parameter. */
    hasAnyTag: `EXISTS (SELECT 1 FROM ${t.tags} AS tag WHERE tag.ticket_id = projection.id AND tag.tag_id IN (SELECT value FROM json_each(?)))`,
    /** Only tickets whose summary holds the quoted phrase parameter, found by the trigram index (migration 4). */
    summaryMatches: `projection.rowid IN (SELECT rowid FROM ${search} WHERE ${search} MATCH ?)`,
    /** A page of the projection (aliased `projection`), with `conditions`. */
    listTickets: (conditions: readonly string[]) =>
      `SELECT state FROM ${t.projections} AS projection WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id ASC LIMIT ? OFFSET ?`,
  }
}
