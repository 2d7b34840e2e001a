/**
 * The PostgreSQL store's tables, created by `migrate()` inside one schema.
 *
 * | table | one row per | what it is for |
 * | --- | --- | --- |
 * | `ticket_events` | stored event | the log: every ticket's stream and the one global order `(transaction_id, position)` |
 * | `ticket_projections` | ticket | the `list()` projection, written in the append's transaction |
 * | `ticket_snapshots` | ticket and ticket schema version | the newest snapshot, so a load reads only the events after it |
 * | `ticket_audits` | accepted command that emitted events | the Zendesk-style audit record |
 * | `ticket_commands` | ticket and command id | the idempotency record: the first result of a command id |
 * | `ticket_schema_migrations` | applied migration | which of {@link POSTGRES_MIGRATIONS} ran |
 *
 * Documents (`event`, `state`, `record`, `result`) are `json`, not `jsonb`:
 * the store never queries inside them (every filter has its own column), `json` keeps
 * them byte for byte (key order included) and accepts every string JavaScript can hold.
 *
 * @module
 */

/** One step of the schema; applied once, in order, recorded in `ticket_schema_migrations`. */
export interface PostgresMigration {
  readonly version: number
  readonly description: string
  /** The statements, given the quoted schema name (e.g. `"public"`). */
  readonly statements: (schema: string) => readonly string[]
}

/** The store's migrations, oldest first. Never edit a released one: add a new step. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'events, projections, snapshots, audits, commands',
    statements: (s) => [
      // The log. `transaction_id` and `position` give the global order; a reader only
      // sees rows whose transaction is older than every transaction still in flight.
      `CREATE TABLE ${s}.ticket_events (
        position bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        id text NOT NULL,
        ticket_id uuid NOT NULL,
        workspace_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        type varchar(255) NOT NULL,
        occurred_at timestamptz NOT NULL,
        event json NOT NULL,
        CONSTRAINT ticket_events_id_key UNIQUE (id),
        CONSTRAINT ticket_events_stream_version_key UNIQUE (ticket_id, version)
      )`,
      `CREATE INDEX ticket_events_log_order_idx ON ${s}.ticket_events (transaction_id, position)`,
      `CREATE INDEX ticket_events_workspace_log_order_idx ON ${s}.ticket_events (workspace_id, transaction_id, position)`,
      // The projection behind list(): a column for every filter, the ticket itself in `state`.
      `CREATE TABLE ${s}.ticket_projections (
        ticket_id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        chat_id uuid NOT NULL,
        status text NOT NULL,
        assignee_id uuid,
        tag_ids uuid[] NOT NULL,
        summary_lower text,
        archived boolean NOT NULL,
        deleted boolean NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL,
        state json NOT NULL
      )`,
      `CREATE INDEX ticket_projections_workspace_created_idx ON ${s}.ticket_projections (workspace_id, created_at DESC, ticket_id)`,
      `CREATE INDEX ticket_projections_workspace_assignee_idx ON ${s}.ticket_projections (workspace_id, assignee_id)`,
      `CREATE INDEX ticket_projections_workspace_chat_idx ON ${s}.ticket_projections (workspace_id, chat_id)`,
      `CREATE INDEX ticket_projections_tag_ids_idx ON ${s}.ticket_projections USING gin (tag_ids)`,
      `CREATE TABLE ${s}.ticket_snapshots (
        ticket_id uuid NOT NULL,
        schema_version integer NOT NULL,
        version integer NOT NULL,
        state json NOT NULL,
        PRIMARY KEY (ticket_id, schema_version)
      )`,
      `CREATE TABLE ${s}.ticket_audits (
        id text PRIMARY KEY,
        ticket_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        record json NOT NULL
      )`,
      `CREATE INDEX ticket_audits_ticket_idx ON ${s}.ticket_audits (ticket_id, created_at)`,
      `CREATE TABLE ${s}.ticket_commands (
        ticket_id uuid NOT NULL,
        command_id text NOT NULL,
        recorded_at timestamptz NOT NULL,
        result json NOT NULL,
        PRIMARY KEY (ticket_id, command_id)
      )`,
      // Lets an operator prune records older than the dedupe window cheaply.
      `CREATE INDEX ticket_commands_recorded_at_idx ON ${s}.ticket_commands (recorded_at)`,
    ],
  },
]

/** Quotes a schema name that the store options already restricted to `[a-z0-9_]`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * The statements that make sure the schema and the migrations table exist. The schema is
 * created only when missing (`CREATE SCHEMA IF NOT EXISTS` would still need the CREATE
 * privilege on the database, which a role using an existing schema may lack).
 */
export function bootstrapStatements(schema: string): readonly string[] {
  return [
    `DO $$ BEGIN IF to_regnamespace('${schema.replaceAll("'", "''")}') IS NULL THEN CREATE SCHEMA ${schema}; END IF; END $$`,
    `CREATE TABLE IF NOT EXISTS ${schema}.ticket_schema_migrations (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
  ]
}
