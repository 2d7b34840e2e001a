/**
 * The SQL of the SQLite store, in one place.
 *
 * @internal
 * @module
 */
import type { SqliteTables } from './sqlite-schema.js'

/** The statements of one table prefix, as built by {@link sqliteStatements}. */
export type SqliteStatements = ReturnType<typeof sqliteStatements>

/** The columns of an event row, in the order `toEvent` reads them. */
export const EVENT_COLUMNS = 'id, ticket_id, workspace_id, version, type, occurred_at, payload, meta'

/**
 * Every statement the store runs on the tables of one prefix. `append` is shared with the
 * bench, whose raw-driver baseline writes exactly the same rows with exactly the same SQL.
 */
export function sqliteStatements({ quoted: t }: SqliteTables) {
  return {
    append: {
      currentVersion: `SELECT COALESCE(MAX(version), 0) AS version FROM ${t.events} WHERE ticket_id = ?`,
      recordedCommand: `SELECT recorded_at FROM ${t.commands} WHERE ticket_id = ? AND command_id = ?`,
      insertEvent: `INSERT INTO ${t.events} (id, ticket_id, workspace_id, version, type, occurred_at, payload, meta)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      upsertProjection: `INSERT INTO ${t.projections} (id, workspace_id, chat_id, status, assignee_id, summary_folded, archived, deleted,
      created_at, updated_at, version, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
      workspace_id = excluded.workspace_id, chat_id = excluded.chat_id, status = excluded.status,
      assignee_id = excluded.assignee_id, summary_folded = excluded.summary_folded, archived = excluded.archived,
      deleted = excluded.deleted, created_at = excluded.created_at, updated_at = excluded.updated_at,
      version = excluded.version, state = excluded.state`,
      deleteTags: `DELETE FROM ${t.tags} WHERE ticket_id = ?`,
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
    /** A page of the projection (aliased `projection`), with `conditions`. */
    listTickets: (conditions: readonly string[]) =>
      `SELECT state FROM ${t.projections} AS projection WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id ASC LIMIT ? OFFSET ?`,
  }
}
