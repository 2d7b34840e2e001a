/**
 * The PostgreSQL store's schema under the user's control: numbered migrations through
 * the one runner, a table prefix, `migrate: false`, the printed SQL applied with psql,
 * and stores (and webhook receivers) starting together on a fresh schema.
 */
import { execFile } from 'node:child_process'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, createTicketService, type HandleResult, handle, type Ticket } from '../../src/index.js'
import { POSTGRES_SCHEMA_VERSION, postgresMigrationSql, postgresStore } from '../../src/stores/postgres/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { describeStoreContract } from '../../src/testing/store-contract.js'
import { createIdempotentConsumer, postgresDedupeStore } from '../../src/webhooks/index.js'
import { postgres01Ddl } from '../fixtures/postgres-0.1-schema.js'
import { toAuditV1 } from '../support/audit-v1.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'
import { connectTestServer, createPostgresTestDatabase, freshSchemaName, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ticketId = (n: number): string => `00000007-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const create = (summary: string) =>
  ({ type: 'create', workspaceId: WORKSPACE, chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending', summary }) as const

const database = createPostgresTestDatabase()
afterAll(() => database.dispose())

/** Columns, constraints and indexes of a schema's tables, with the schema's name replaced by `S`, for comparing two schemas. */
async function catalogue(schema: string): Promise<unknown> {
  const columns = await database.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = $1 ORDER BY table_name, column_name`,
    [schema],
  )
  const indexes = await database.query('SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname', [
    schema,
  ])
  const constraints = await database.query(
    `SELECT conname, pg_get_constraintdef(c.oid) AS definition FROM pg_constraint AS c JOIN pg_namespace AS n ON n.oid = c.connamespace
     WHERE n.nspname = $1 ORDER BY conname`,
    [schema],
  )
  return JSON.parse(JSON.stringify({ columns, indexes, constraints }).replaceAll(schema, 'S'))
}

/** Writes one command's rows into a 0.1 schema as 0.1 did: events, projection, and the audit in its first shape. */
async function write01(schema: string, { state, events, audit }: HandleResult): Promise<void> {
  for (const event of events) {
    await database.query(
      `INSERT INTO "${schema}".ticket_events (id, ticket_id, workspace_id, version, type, occurred_at, event) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [event.id, event.ticketId, event.workspaceId, event.version, event.type, event.occurredAt, JSON.stringify(event)],
    )
  }
  await database.query(
    `INSERT INTO "${schema}".ticket_projections (ticket_id, workspace_id, chat_id, status, assignee_id, tag_ids, summary_lower, archived,
       deleted, created_at, updated_at, version, state) VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (ticket_id) DO UPDATE SET version = excluded.version, state = excluded.state`,
    [
      state.id,
      state.workspaceId,
      state.chatId,
      state.status,
      state.assigneeId,
      [...state.tags],
      state.summary?.toLowerCase() ?? null,
      state.archived,
      state.deleted,
      state.createdAt,
      state.updatedAt,
      state.version,
      JSON.stringify(state),
    ],
  )
  if (audit !== null) {
    await database.query(`INSERT INTO "${schema}".ticket_audits (id, ticket_id, created_at, record) VALUES ($1, $2, $3, $4)`, [
      audit.id,
      audit.ticketId,
      audit.createdAt,
      JSON.stringify(toAuditV1(audit, events)),
    ])
  }
}

describe(`postgres store migrations (${database.kind})`, () => {
  it('upgrades a ticket-events 0.1 schema in place to exactly what a new store creates, its audits read in the current shape', async () => {
    const old = freshSchemaName()
    for (const statement of postgres01Ddl(old)) await database.query(statement)
    // A history written as 0.1 wrote it: its rows, audits in their first shape.
    const ctx = createTestContext()
    const commands: Command[] = [
      { ...create('on a 0.1 schema'), ticketId: ticketId(1), customFields: { plan: 'pro' } },
      { type: 'update', priority: 'high', customFields: { status: 'vip' } },
      { type: 'sendCsat', surveyId: '01HWTCTT509VV8X9XYGPTR5N8Q' },
      { type: 'receiveCsat', surveyId: '01HWTCTT509VV8X9XYGPTR5N8Q', score: 4 },
    ]
    const written: HandleResult[] = []
    let state: Ticket | null = null
    for (const command of commands) {
      const result: HandleResult = handle(state, command, ctx)
      await write01(old, result)
      written.push(result)
      state = result.state
    }

    const store = await database.createStore()
    await store.migrate()
    const upgraded = await database.createStore({ schema: old })
    const tickets = createTicketService({ store: upgraded, ctx })
    expect((await tickets.audits(ticketId(1))).result).toEqual(written.map((result) => result.audit))
    expect((await tickets.audits(ticketId(1))).result.at(-1)?.events).toMatchObject([{ type: 'SatisfactionRating', score: 'good' }])
    expect(await catalogue(old)).toEqual(await catalogue(store.schema))
    await tickets.execute(ticketId(2), create('after the upgrade'))
    expect((await tickets.list({ workspaceId: WORKSPACE })).result).toHaveLength(2)
    expect(await database.query(`SELECT version FROM "${old}".ticket_schema_migrations ORDER BY version`)).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ])
  })

  it('keeps two prefixes in one schema apart', async () => {
    const store = await database.createStore()
    const other = await database.createStore({ schema: store.schema, tablePrefix: 'acme_' })
    const [one, two] = [createTicketService({ store }), createTicketService({ store: other })]
    await one.execute(ticketId(1), create('in ticket_'))
    await two.execute(ticketId(2), create('in acme_'))
    expect((await one.list({ workspaceId: WORKSPACE })).result.map((ticket) => ticket.id)).toEqual([ticketId(1)])
    expect((await two.list({ workspaceId: WORKSPACE })).result.map((ticket) => ticket.id)).toEqual([ticketId(2)])
    const tables = await database.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [store.schema])
    expect(tables.map((row) => row['tablename'])).toEqual(
      expect.arrayContaining(['acme_events', 'acme_projections', 'acme_schema_migrations', 'ticket_events', 'ticket_projections']),
    )
    expect(other.tablePrefix).toBe('acme_')
  })

  it('with migrate: false creates nothing and names the expected and found versions when the schema is behind', async () => {
    const schema = freshSchemaName()
    const store = await database.createStore({ schema, migrate: false })
    const error = await rejection(createTicketService({ store }).load(ticketId(1)))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({ reason: 'schema_behind', expectedVersion: POSTGRES_SCHEMA_VERSION, foundVersion: 0 })
    expect(error.message).toContain(`npx ticket-events sql postgres --schema ${schema} --table-prefix ticket_`)
    expect(await database.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([])
  })

  it('says which migration failed, and rolls the whole migration back', async () => {
    const store = await database.createStore()
    await database.query(`CREATE SCHEMA "${store.schema}"`)
    // A table of the same name makes migration 1 fail on its first CREATE TABLE.
    await database.query(`CREATE TABLE "${store.schema}".ticket_events (anything text)`)
    const error = await rejection(store.migrate())
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({ reason: 'migration_failed', failedStep: 1, fromVersion: 0 })
    expect(error.message).toMatch(/^Migration 1 \("events, projections, snapshots, audits, commands"\) of the PostgreSQL ticket store/)
    expect(error.message).toContain('already exists')
    const tables = await database.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [store.schema])
    expect(tables).toEqual([{ tablename: 'ticket_events' }])
  })

  it('prints every migration with its record, under the schema and prefix asked for', () => {
    const { migrations, setup, script } = postgresMigrationSql({ schema: 'support', tablePrefix: 'app_' })
    expect(migrations.map((step) => step.version)).toEqual([1, 2, 3])
    expect(setup).toContain(`SELECT pg_advisory_xact_lock(hashtext('ticket-events:migrate:support'));`)
    expect(setup).toContain('CREATE TABLE IF NOT EXISTS "support"."app_schema_migrations"')
    expect(migrations[0]?.sql).toContain('CREATE TABLE "support"."app_events"')
    expect(migrations[0]?.sql).toContain(`INSERT INTO "support"."app_schema_migrations" (version, description) VALUES (1, `)
    expect(
      script.startsWith(
        `-- ticket-events: the PostgreSQL ticket store (schema "support", table prefix "app_"), schema version ${POSTGRES_SCHEMA_VERSION}.`,
      ),
    ).toBe(true)
    expect(script.trimEnd().endsWith('COMMIT;')).toBe(true)
    expect(postgresMigrationSql({ after: 1 }).migrations.map((step) => step.version)).toEqual([2, 3])
    expect(postgresMigrationSql({ after: POSTGRES_SCHEMA_VERSION }).migrations).toEqual([])
    expect(() => postgresMigrationSql({ schema: 'Robert"; DROP' })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})

describe.skipIf(PG_URL === undefined)(
  `postgres stores starting together (server) — ${PG_URL === undefined ? NO_SERVER_REASON : 'server'}`,
  () => {
    const url = PG_URL ?? ''
    const schemas: string[] = []
    let admin: pg.Pool
    beforeAll(async () => {
      admin = await connectTestServer(url)
    })
    afterAll(async () => {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin.end()
    })

    /** `count` pools of one connection each, as `count` processes would have. */
    function pools(count: number): pg.Pool[] {
      return Array.from({ length: count }, () => {
        const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'ticket-events-test-migrations' })
        pool.on('error', () => {})
        return pool
      })
    }

    it('20 webhook receivers starting together on a fresh schema all process their delivery', async () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      const receivers = pools(20)
      try {
        const results = await Promise.allSettled(
          receivers.map((pool, n) =>
            createIdempotentConsumer<{ eventId: string }>({ store: postgresDedupeStore({ pool, schema }), handler: () => {} }).consume({
              eventId: `event-${n}`,
            }),
          ),
        )
        expect(results.filter((result) => result.status === 'rejected')).toEqual([])
        expect(results.map((result) => (result.status === 'fulfilled' ? result.value.status : 'failed'))).toEqual(
          Array(20).fill('processed'),
        )
        const applied = await admin.query(`SELECT version FROM "${schema}".ticket_events_webhook_deliveries_migrations`)
        expect(applied.rows).toEqual([{ version: 1 }])
      } finally {
        await Promise.all(receivers.map((pool) => pool.end()))
      }
    })

    it('20 ticket stores starting together on a fresh schema all execute their command', async () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      const processes = pools(20)
      try {
        const results = await Promise.allSettled(
          processes.map((pool, n) =>
            createTicketService({ store: postgresStore({ pool, schema }) }).execute(ticketId(n + 1), create(`ticket ${n}`)),
          ),
        )
        expect(results.filter((result) => result.status === 'rejected')).toEqual([])
        const applied = await admin.query(`SELECT version FROM "${schema}".ticket_schema_migrations ORDER BY version`)
        // Each step applied exactly once, however many stores raced to apply it.
        expect(applied.rows.map((row) => row.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1))
        expect((await admin.query(`SELECT count(*)::int AS count FROM "${schema}".ticket_projections`)).rows).toEqual([{ count: 20 }])
      } finally {
        await Promise.all(processes.map((pool) => pool.end()))
      }
    })
  },
)

describe.skipIf(PG_URL === undefined)(
  `postgres store as a role that may only read and write data (server) — ${PG_URL === undefined ? NO_SERVER_REASON : 'server'}`,
  () => {
    const url = PG_URL ?? ''
    // A role of this run only, dropped afterwards; it logs in without a password (the test server trusts local connections).
    const role = `te_dml_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const schemas: string[] = []
    let admin: pg.Pool
    let asRole: pg.Pool

    beforeAll(async () => {
      admin = await connectTestServer(url)
      await admin.query(`CREATE ROLE ${role} LOGIN`)
      const roleUrl = new URL(url)
      roleUrl.username = role
      roleUrl.password = ''
      asRole = new pg.Pool({ connectionString: roleUrl.toString(), max: 4, application_name: 'ticket-events-test-dml-role' })
      asRole.on('error', () => {})
    })
    afterAll(async () => {
      await asRole?.end()
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin.query(`DROP OWNED BY ${role}`)
      await admin.query(`DROP ROLE IF EXISTS ${role}`)
      await admin.end()
    })

    /** A schema migrated by `psql` running the printed SQL, on which the role may only read and write rows. */
    async function schemaMigratedWithPsql(): Promise<string> {
      const schema = freshSchemaName()
      schemas.push(schema)
      await psql(url, postgresMigrationSql({ schema }).script)
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`)
      await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`)
      await admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${role}`)
      return schema
    }

    it('may not create tables: a store that migrates itself on a fresh schema fails, naming the step', async () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      await admin.query(`CREATE SCHEMA "${schema}"`)
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`)
      const error = await rejection(postgresStore({ pool: asRole, schema }).migrate())
      expect(error.details).toMatchObject({ reason: 'migration_failed', failedStep: 'setup' })
      expect(error.message).toContain('permission denied for schema')
    })

    it('runs on a schema migrated with psql, with migrate: false and also without it (an up-to-date schema needs no DDL)', async () => {
      const schema = await schemaMigratedWithPsql()
      for (const migrate of [false, true]) {
        const tickets = createTicketService({ store: postgresStore({ pool: asRole, schema, migrate }) })
        await tickets.execute(ticketId(migrate ? 2 : 1), create(`migrate: ${migrate}`))
        await tickets.close()
      }
      expect((await admin.query(`SELECT count(*)::int AS count FROM "${schema}".ticket_projections`)).rows).toEqual([{ count: 2 }])
    })

    // The acceptance test: the printed SQL applied with psql, then the role on migrate: false passes the whole suite.
    describeStoreContract('postgres as a DML-only role, migrated by psql, with migrate: false', async () =>
      postgresStore({ pool: asRole, schema: await schemaMigratedWithPsql(), migrate: false }),
    )
  },
)

/** Runs a script with `psql`, stopping at the first error. */
function psql(url: string, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('psql', [url, '--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-f', '-'], (error, _stdout, stderr) =>
      error ? reject(new Error(`psql failed: ${stderr}`, { cause: error })) : resolve(),
    )
    child.stdin?.end(script)
  })
}
