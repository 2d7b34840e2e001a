/**
 * The SQLite tables of `ticket-events`, as numbered migrations. `migrate()` applies the
 * ones a database has not seen yet, recording each in `ticket_events_schema`.
 *
 * Tables (all created with `IF NOT EXISTS`):
 * - `ticket_events`: the log. `position` (INTEGER PRIMARY KEY AUTOINCREMENT) is the one
 *   global order: SQLite serialises writers, so commit order is position order, and
 *   AUTOINCREMENT never reuses a position. `(ticket_id, version)` is unique.
 * - `tickets`: the `list()` projection, one row per ticket, written in the same
 *   transaction as its events: a column per filter plus the whole state as JSON.
 *   `summary_folded` is the lower-cased summary (`''` when there is none) that `search`
 *   matches against.
 * - `ticket_tags`: the projection's tags, one row per (ticket, tag), for the tag filter.
 * - `ticket_audits`: one Zendesk-style audit record per accepted command.
 * - `ticket_snapshots`: ticket states every so many events, keyed by the
 *   `TICKET_SCHEMA_VERSION` they were written under.
 * - `ticket_commands`: the idempotency records, unique per (ticket, command id); a record
 *   older than the dedupe window is replaced when the command runs again.
 *
 * @module
 */

/** One step of the schema; `version` numbers are never reused or edited once released. */
export interface SqliteMigration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

/** Records which migrations ran. Created before anything else. */
export const SCHEMA_VERSION_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS ticket_events_schema (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
);`

/** Every migration, in order. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'events, projection, tags, audits, snapshots, command records',
    sql: `
CREATE TABLE IF NOT EXISTS ticket_events (
  position     INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  ticket_id    TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  version      INTEGER NOT NULL,
  type         TEXT NOT NULL,
  occurred_at  TEXT NOT NULL,
  payload      TEXT NOT NULL,
  meta         TEXT NOT NULL,
  UNIQUE (ticket_id, version)
);
CREATE INDEX IF NOT EXISTS ticket_events_by_workspace ON ticket_events (workspace_id, position);
CREATE INDEX IF NOT EXISTS ticket_events_by_type ON ticket_events (type, position);

CREATE TABLE IF NOT EXISTS tickets (
  id             TEXT PRIMARY KEY,
  workspace_id   TEXT NOT NULL,
  chat_id        TEXT NOT NULL,
  status         TEXT NOT NULL,
  assignee_id    TEXT,
  summary_folded TEXT NOT NULL,
  archived       INTEGER NOT NULL,
  deleted        INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  version        INTEGER NOT NULL,
  state          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_by_workspace ON tickets (workspace_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS tickets_by_assignee ON tickets (workspace_id, assignee_id);
CREATE INDEX IF NOT EXISTS tickets_by_chat ON tickets (workspace_id, chat_id);

CREATE TABLE IF NOT EXISTS ticket_tags (
  ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  tag_id    TEXT NOT NULL,
  PRIMARY KEY (ticket_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ticket_tags_by_tag ON ticket_tags (tag_id, ticket_id);

CREATE TABLE IF NOT EXISTS ticket_audits (
  id         TEXT PRIMARY KEY,
  ticket_id  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  record     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_audits_by_ticket ON ticket_audits (ticket_id, created_at);

CREATE TABLE IF NOT EXISTS ticket_snapshots (
  ticket_id      TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  state          TEXT NOT NULL,
  PRIMARY KEY (ticket_id, schema_version, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ticket_commands (
  ticket_id   TEXT NOT NULL,
  command_id  TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  result      TEXT NOT NULL,
  PRIMARY KEY (ticket_id, command_id)
) WITHOUT ROWID;`,
  },
]

/** The newest schema version this library knows. */
export const SQLITE_SCHEMA_VERSION: number = SQLITE_MIGRATIONS.at(-1)?.version ?? 0

/**
 * The statements `append` runs, shared with the benchmark so its raw-driver baseline
 * writes exactly the same rows with exactly the same SQL.
 *
 * @internal
 */
export const APPEND_SQL = {
  currentVersion: 'SELECT COALESCE(MAX(version), 0) AS version FROM ticket_events WHERE ticket_id = ?',
  recordedCommand: 'SELECT recorded_at FROM ticket_commands WHERE ticket_id = ? AND command_id = ?',
  insertEvent: `INSERT INTO ticket_events (id, ticket_id, workspace_id, version, type, occurred_at, payload, meta)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertTicket: `INSERT INTO tickets (id, workspace_id, chat_id, status, assignee_id, summary_folded, archived, deleted,
      created_at, updated_at, version, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
      workspace_id = excluded.workspace_id, chat_id = excluded.chat_id, status = excluded.status,
      assignee_id = excluded.assignee_id, summary_folded = excluded.summary_folded, archived = excluded.archived,
      deleted = excluded.deleted, created_at = excluded.created_at, updated_at = excluded.updated_at,
      version = excluded.version, state = excluded.state`,
  deleteTags: 'DELETE FROM ticket_tags WHERE ticket_id = ?',
  insertTag: 'INSERT OR IGNORE INTO ticket_tags (ticket_id, tag_id) VALUES (?, ?)',
  insertAudit: 'INSERT INTO ticket_audits (id, ticket_id, created_at, record) VALUES (?, ?, ?, ?)',
  insertSnapshot: `INSERT OR REPLACE INTO ticket_snapshots (ticket_id, schema_version, version, state) VALUES (?, ?, ?, ?)`,
  insertCommand: 'INSERT OR REPLACE INTO ticket_commands (ticket_id, command_id, recorded_at, result) VALUES (?, ?, ?, ?)',
} as const
