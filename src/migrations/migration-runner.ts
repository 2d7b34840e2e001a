/**
 * The one migration runner of every SQL store (and of stores users write): it applies a
 * store's numbered steps that a database has not seen yet, or checks that it has seen them all.
 *
 * The run is written once, as a generator that yields each request to the database
 * (run this statement, does this query answer a row, which version is applied), and is
 * driven synchronously for SQLite — whose connection must not run anyone else's statement
 * while the migration's transaction is open, so the run never yields to the event loop —
 * or asynchronously for PostgreSQL.
 *
 * @module
 */
import { TicketError } from '../core/errors/ticket-error.js'
import type { MigrationConnection, MigrationConnectionSync, MigrationPlan, MigrationReport } from './migration.js'
import { latestVersion, migrationFailedError, schemaAheadError, schemaBehindError } from './migration-errors.js'

/** One request of a run to the database. */
type MigrationRequest = { readonly execute: string } | { readonly answersRow: string } | { readonly appliedVersion: true }

type MigrationRun = Generator<MigrationRequest, MigrationReport, unknown>

/**
 * Applies the steps of `plan` the database has not seen, in order, each followed by its
 * record; reports what it did. Call it inside one transaction you opened (so a failed
 * step leaves nothing behind), on the connection that transaction runs on.
 *
 * It takes `plan.lock` first, then reads the applied version: a database that is up to
 * date gets no DDL at all (so a role that may only read and write data can still run it),
 * and a newer one is refused.
 *
 * @throws {TicketError} `UNAVAILABLE` with `details.reason` `migration_failed` (and
 * `details.failedStep`) when a step failed, or `schema_ahead` for a database migrated by
 * a newer library
 *
 * @example
 * ```ts
 * await connection.query('BEGIN')
 * try {
 *   await runMigrations(plan, {
 *     execute: async (sql) => void (await connection.query(sql)),
 *     answersRow: async (sql) => (await connection.query(sql)).rows.length > 0,
 *     appliedVersion: async () => readVersion(connection),
 *   })
 *   await connection.query('COMMIT')
 * } catch (error) {
 *   await connection.query('ROLLBACK')
 *   throw error
 * }
 * ```
 */
export async function runMigrations(plan: MigrationPlan, connection: MigrationConnection): Promise<MigrationReport> {
  return driveAsync(migrate(checkedPlan(plan)), connection)
}

/** {@link runMigrations} over a synchronous connection: the whole run happens before it returns. */
export function runMigrationsSync(plan: MigrationPlan, connection: MigrationConnectionSync): MigrationReport {
  return driveSync(migrate(checkedPlan(plan)), connection)
}

/**
 * Checks, without changing anything, that the database has every step of `plan`: what
 * a store created with `migrate: false` does instead of migrating.
 *
 * @throws {TicketError} `UNAVAILABLE` with `details.reason` `schema_behind` (naming the
 * expected and found versions) or `schema_ahead`
 */
export async function checkMigrations(plan: MigrationPlan, connection: MigrationConnection): Promise<MigrationReport> {
  return driveAsync(check(checkedPlan(plan)), connection)
}

/** {@link checkMigrations} over a synchronous connection. */
export function checkMigrationsSync(plan: MigrationPlan, connection: MigrationConnectionSync): MigrationReport {
  return driveSync(check(checkedPlan(plan)), connection)
}

function* migrate(plan: MigrationPlan): MigrationRun {
  let found: number
  try {
    for (const sql of plan.lock) yield { execute: sql }
    found = (yield { appliedVersion: true }) as number
  } catch (error) {
    throw migrationFailedError(plan, 'setup', 0, error)
  }
  const latest = latestVersion(plan)
  if (found > latest) throw schemaAheadError(plan, found)
  if (found === latest) return { from: found, to: found, applied: [] }
  try {
    for (const sql of plan.setup) yield { execute: sql }
  } catch (error) {
    throw migrationFailedError(plan, 'setup', found, error)
  }
  const applied: number[] = []
  for (const step of plan.migrations) {
    if (step.version <= found) continue
    try {
      const runs = step.onlyIf === undefined || (yield { answersRow: step.onlyIf.query }) === true
      if (runs) for (const sql of step.statements) yield { execute: sql }
      yield { execute: plan.record(step) }
    } catch (error) {
      throw migrationFailedError(plan, step, found, error)
    }
    applied.push(step.version)
  }
  return { from: found, to: latest, applied }
}

function* check(plan: MigrationPlan): MigrationRun {
  let found: number
  try {
    found = (yield { appliedVersion: true }) as number
  } catch (error) {
    throw migrationFailedError(plan, 'check', 0, error)
  }
  const latest = latestVersion(plan)
  if (found < latest) throw schemaBehindError(plan, found)
  if (found > latest) throw schemaAheadError(plan, found)
  return { from: found, to: found, applied: [] }
}

function answer(connection: MigrationConnection, request: MigrationRequest): Promise<unknown>
function answer(connection: MigrationConnectionSync, request: MigrationRequest): unknown
function answer(connection: MigrationConnection | MigrationConnectionSync, request: MigrationRequest): unknown {
  if ('execute' in request) return connection.execute(request.execute)
  if ('answersRow' in request) return connection.answersRow(request.answersRow)
  return connection.appliedVersion()
}

function driveSync(run: MigrationRun, connection: MigrationConnectionSync): MigrationReport {
  let next = run.next()
  while (!next.done) {
    let reply: unknown
    try {
      reply = answer(connection, next.value)
    } catch (error) {
      next = run.throw(error)
      continue
    }
    next = run.next(reply)
  }
  return next.value
}

async function driveAsync(run: MigrationRun, connection: MigrationConnection): Promise<MigrationReport> {
  let next = run.next()
  while (!next.done) {
    let reply: unknown
    try {
      reply = await answer(connection, next.value)
    } catch (error) {
      next = run.throw(error)
      continue
    }
    next = run.next(reply)
  }
  return next.value
}

/** A plan's steps must be numbered 1, 2, 3, … in order: the applied version is a count of steps. */
function checkedPlan(plan: MigrationPlan): MigrationPlan {
  plan.migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new TicketError(
        'VALIDATION',
        `Invalid migration plan of ${plan.store}: step ${index + 1} has version ${step.version}; number the steps 1, 2, 3, … in order.`,
        { issues: [{ path: ['migrations', index, 'version'], message: `Expected ${index + 1}`, code: 'custom' }] },
      )
    }
  })
  return plan
}
