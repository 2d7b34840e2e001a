/**
 * The SQL of the PostgreSQL store, in one place.
 *
 * @internal
 * @module
 */
import type { PostgresTables } from './postgres-schema.js'

/** The statements of one schema, as built by {@link postgresStatements}. */
export type PostgresStatements = ReturnType<typeof postgresStatements>

/**
 * Every statement the store runs, on the tables of one schema and prefix. Shared with
 * the bench, whose raw-driver baseline runs exactly these statements.
 *
 * @internal
 */
export function postgresStatements({ qualified: t }: PostgresTables) {
  const projectionColumns =
    'ticket_id, workspace_id, chat_id, status, assignee_id, tag_ids, summary_lower, archived, deleted, created_at, updated_at, version, state'
  return {
    // One round trip: a row per event after the snapshot (in version order, from the
    // (ticket_id, version) index; the store re-checks the order), and the snapshot sent on
    // just one of the rows. Rows, not one aggregated JSON value: a 100,000-event tail
    // parses twice as fast row by row.
    loadStream: `SELECT CASE WHEN row_number() OVER () = 1 THEN snapshot.state END AS snapshot, tail.event
      FROM (SELECT 1) AS one
      LEFT JOIN ${t.snapshots} AS snapshot ON snapshot.ticket_id = $1 AND snapshot.schema_version = $2
      LEFT JOIN LATERAL (
        SELECT e.event FROM ${t.events} AS e
        WHERE e.ticket_id = $1 AND e.version > coalesce(snapshot.version, 0) ORDER BY e.version
      ) AS tail ON true`,
    // loadStream as of version $3: the snapshot only when it is not past it (only the
    // newest is kept, so an older version folds from the start), the events up to it.
    loadStreamAt: `SELECT CASE WHEN row_number() OVER () = 1 THEN snapshot.state END AS snapshot, tail.event
      FROM (SELECT 1) AS one
      LEFT JOIN ${t.snapshots} AS snapshot ON snapshot.ticket_id = $1 AND snapshot.schema_version = $2 AND snapshot.version <= $3
      LEFT JOIN LATERAL (
        SELECT e.event FROM ${t.events} AS e
        WHERE e.ticket_id = $1 AND e.version > coalesce(snapshot.version, 0) AND e.version <= $3 ORDER BY e.version
      ) AS tail ON true`,
    currentVersion: `SELECT version FROM ${t.projections} WHERE ticket_id = $1`,
    // Both projection writes return the append's transaction id: if the connection drops
    // after COMMIT was sent, the store asks pg_xact_status about it (see hasEvent).
    insertProjection: `INSERT INTO ${t.projections} (${projectionColumns})
      VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9, $10, $11, $12, $13)
      ON CONFLICT (ticket_id) DO NOTHING RETURNING version, pg_current_xact_id()::text AS transaction_id`,
    // The WHERE on version is the optimistic check: a concurrent append that committed
    // first changed the version, so this updates nothing (READ COMMITTED re-checks the row).
    updateProjection: `UPDATE ${t.projections} SET workspace_id = $2, chat_id = $3, status = $4, assignee_id = $5,
      tag_ids = $6::uuid[], summary_lower = $7, archived = $8, deleted = $9, created_at = $10, updated_at = $11, version = $12, state = $13
      WHERE ticket_id = $1 AND version = $14 RETURNING version, pg_current_xact_id()::text AS transaction_id`,
    insertEvents: (count: number) =>
      `INSERT INTO ${t.events} (id, ticket_id, workspace_id, version, type, occurred_at, event) VALUES ${placeholders(count, 7)}`,
    insertAudit: `INSERT INTO ${t.audits} (id, ticket_id, created_at, version, record) VALUES ($1, $2, $3, $4, $5)`,
    // One round trip: the ticket's workspace (null: no such ticket), the cursor audit's
    // version (null when $2 names no audit of the ticket) and the page after it, a row per
    // audit (one row with a null version when there are none). The page is a plain range
    // on the (ticket_id, version) index, so it stops after $3 rows.
    readAudits: `SELECT (SELECT workspace_id::text FROM ${t.projections} WHERE ticket_id = $1) AS "workspaceId",
        cursor.version AS "cursorVersion", page.version, page.record
      FROM (SELECT (SELECT version FROM ${t.audits} WHERE id = $2 AND ticket_id = $1) AS version) AS cursor
      LEFT JOIN LATERAL (
        SELECT audit.version, audit.record FROM ${t.audits} AS audit
        WHERE audit.ticket_id = $1 AND audit.version > coalesce(cursor.version, 0)
        ORDER BY audit.version LIMIT $3
      ) AS page ON true
      ORDER BY page.version`,
    upsertSnapshot: `INSERT INTO ${t.snapshots} (ticket_id, schema_version, version, state) VALUES ($1, $2, $3, $4)
      ON CONFLICT (ticket_id, schema_version) DO UPDATE SET version = excluded.version, state = excluded.state
      WHERE ${t.snapshots}.version < excluded.version`,
    // A record older than the dedupe window ($5) has expired: it is replaced, so the
    // command runs again. A live one (or no window given) refuses the repeat.
    recordCommand: `INSERT INTO ${t.commands} (ticket_id, command_id, recorded_at, result) VALUES ($1, $2, $3, $4)
      ON CONFLICT (ticket_id, command_id) DO UPDATE SET recorded_at = excluded.recorded_at, result = excluded.result
      WHERE ${t.commands}.recorded_at < $5::timestamptz RETURNING 1`,
    // One statement, so a store over a plain pool needs no transaction; the count comes back as a row.
    pruneCommands: `WITH pruned AS (DELETE FROM ${t.commands} WHERE recorded_at < $1 RETURNING 1) SELECT count(*)::int AS count FROM pruned`,
    findCommand: `SELECT result FROM ${t.commands} WHERE ticket_id = $1 AND command_id = $2 AND recorded_at >= $3`,
    eventExists: `SELECT 1 AS found FROM ${t.events} WHERE id = $1`,
    // 'in progress', 'committed' or 'aborted' (null once the id is too old to tell, long after it ended).
    transactionStatus: 'SELECT pg_xact_status($1::xid8) AS status',
    resolveCursor: `SELECT transaction_id::text AS "transactionId", position::text AS position, workspace_id::text AS "workspaceId" FROM ${t.events} WHERE id = $1`,
    readEvents: (conditions: readonly string[], limitParam: string) =>
      `SELECT event FROM ${t.events}
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())${conditions.map((condition) => ` AND ${condition}`).join('')}
      ORDER BY transaction_id, position LIMIT ${limitParam}`,
    listTickets: (conditions: readonly string[], limitParam: string, offsetParam: string) =>
      `SELECT state FROM ${t.projections} WHERE ${conditions.join(' AND ')}
      ORDER BY created_at DESC, ticket_id LIMIT ${limitParam} OFFSET ${offsetParam}`,
  }
}

function placeholders(rows: number, columns: number): string {
  const tuples: string[] = []
  for (let index = 0; index < rows; index++) {
    const base = index * columns
    tuples.push(`(${Array.from({ length: columns }, (_, column) => `$${base + column + 1}`).join(', ')})`)
  }
  return tuples.join(', ')
}

/**
 * The statements whose text never changes (every one but those built per query), which
 * the store sends as prepared statements on node-postgres.
 *
 * @internal
 */
export function fixedStatements(sql: PostgresStatements): string[] {
  return Object.values(sql).filter((statement): statement is string => typeof statement === 'string')
}
