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
    // The whole append in one statement, which commits on its own or between BEGIN and
    // COMMIT (see the store's append): the version-checked projection write, then — only
    // when it wrote a row, since every other write reads from `locked` — the events,
    // audit, snapshot and command record. Data-modifying CTEs all run, once, whether or
    // not they are read. A live record of the batch's command id (`live`) refuses the
    // write up front, so a refused statement has written nothing and needs no ROLLBACK:
    // a record committed after this statement's snapshot came with a write of the same
    // projection row, which the version check then sees (READ COMMITTED re-checks a row
    // updated concurrently; a conflicting insert waits for it). The answer: whether the
    // projection row was written (none: a version conflict or a live record, and nothing
    // else was), whether the command was recorded, whether a live record refused it, and
    // the transaction's id (see hasEvent). Parameters: $1–$13 the projection row, $14 the expected version (0: a new
    // ticket), $15–$19 the events' columns as arrays and $20 the events as one JSON array
    // (each element stored byte for byte; inserted in order, so `position` follows
    // `version`), $21–$24 the audit, $25–$27 the snapshot, $28–$31 the command record and
    // its dedupe window; null when the batch has none.
    // Fixed text whatever the batch holds, so it is prepared once per connection.
    append: `WITH live AS (
        -- A record is live until the dedupe window ($31) has passed it; with no window, always.
        SELECT 1 FROM ${t.commands}
        WHERE $28::text IS NOT NULL AND ticket_id = $1::uuid AND command_id = $28::text
          AND NOT coalesce(recorded_at < $31::timestamptz, false)
      ), inserted AS (
        INSERT INTO ${t.projections} (${projectionColumns})
        SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::uuid, $6::uuid[], $7::text, $8::boolean, $9::boolean,
          $10::timestamptz, $11::timestamptz, $12::integer, $13::json
        WHERE $14::integer = 0 AND NOT EXISTS (SELECT 1 FROM live)
        ON CONFLICT (ticket_id) DO NOTHING RETURNING version
      ), updated AS (
        -- The WHERE on version is the optimistic check: a concurrent append that committed
        -- first changed the version, so this updates nothing (READ COMMITTED re-checks the row).
        UPDATE ${t.projections} SET workspace_id = $2::uuid, chat_id = $3::uuid, status = $4::text, assignee_id = $5::uuid,
          tag_ids = $6::uuid[], summary_lower = $7::text, archived = $8::boolean, deleted = $9::boolean,
          created_at = $10::timestamptz, updated_at = $11::timestamptz, version = $12::integer, state = $13::json
        WHERE ticket_id = $1::uuid AND version = $14::integer AND NOT EXISTS (SELECT 1 FROM live) RETURNING version
      ), locked AS (
        SELECT version FROM inserted UNION ALL SELECT version FROM updated
      ), events AS (
        INSERT INTO ${t.events} (id, ticket_id, workspace_id, version, type, occurred_at, event)
        SELECT item.id, $1::uuid, item.workspace_id, item.version, item.type, item.occurred_at, element.event
        FROM locked
        CROSS JOIN unnest($15::text[], $16::uuid[], $17::integer[], $18::text[], $19::timestamptz[])
          WITH ORDINALITY AS item(id, workspace_id, version, type, occurred_at, ordinal)
        JOIN json_array_elements($20::json) WITH ORDINALITY AS element(event, ordinal) ON element.ordinal = item.ordinal
        ORDER BY item.ordinal
      ), audit AS (
        INSERT INTO ${t.audits} (id, ticket_id, created_at, version, record)
        SELECT $21::text, $1::uuid, $22::timestamptz, $23::integer, $24::json FROM locked WHERE $21::text IS NOT NULL
      ), snapshot AS (
        INSERT INTO ${t.snapshots} (ticket_id, schema_version, version, state)
        SELECT $1::uuid, $25::integer, $26::integer, $27::json FROM locked WHERE $25::integer IS NOT NULL
        ON CONFLICT (ticket_id, schema_version) DO UPDATE SET version = excluded.version, state = excluded.state
        WHERE ${t.snapshots}.version < excluded.version
      ), command AS (
        -- A record older than the dedupe window ($31) has expired: it is replaced, so the
        -- command runs again. A live one (or no window given) refuses the repeat.
        INSERT INTO ${t.commands} (ticket_id, command_id, recorded_at, result)
        SELECT $1::uuid, $28::text, $29::timestamptz, $30::json FROM locked WHERE $28::text IS NOT NULL
        ON CONFLICT (ticket_id, command_id) DO UPDATE SET recorded_at = excluded.recorded_at, result = excluded.result
        WHERE ${t.commands}.recorded_at < $31::timestamptz RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM locked) AS written, EXISTS (SELECT 1 FROM command) AS recorded,
        EXISTS (SELECT 1 FROM live) AS refused, pg_current_xact_id()::text AS transaction_id`,
    // Writes one projection row as it is (the bench's bulk load).
    insertProjection: `INSERT INTO ${t.projections} (${projectionColumns})
      VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9, $10, $11, $12, $13)`,
    insertEvents: (count: number) =>
      `INSERT INTO ${t.events} (id, ticket_id, workspace_id, version, type, occurred_at, event) VALUES ${placeholders(count, 7)}`,
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
    // One statement, so a store over a plain pool needs no transaction; the count comes back as a row.
    pruneCommands: `WITH pruned AS (DELETE FROM ${t.commands} WHERE recorded_at < $1 RETURNING 1) SELECT count(*)::int AS count FROM pruned`,
    findCommand: `SELECT result FROM ${t.commands} WHERE ticket_id = $1 AND command_id = $2 AND recorded_at >= $3`,
    eventExists: `SELECT 1 AS found FROM ${t.events} WHERE id = $1`,
    // 'in progress', 'committed' or 'aborted' (null once the id is too old to tell, long after it ended).
    transactionStatus: 'SELECT pg_xact_status($1::xid8) AS status',
    // The server process behind this connection, as pg_stat_activity names it: its pid
    // (compared with the one the driver was told, which a pooler replaces) and its start.
    backendIdentity: 'SELECT pid, backend_start::text AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()',
    // Ends that server process if it still runs (the pid alone could be a new process's):
    // a row means it was still running and has been told to end.
    endBackend:
      'SELECT pg_terminate_backend(pid) AS signalled FROM pg_stat_activity WHERE pid = $1::integer AND backend_start = $2::timestamptz',
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
