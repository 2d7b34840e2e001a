/**
 * The errors of a migration run. All are `UNAVAILABLE`: the store cannot serve until the
 * schema is right, which is for an operator (or a retry, when the database only failed
 * for a moment) to fix, not the caller of one command. `details.reason` tells them apart.
 *
 * @module
 */
import { isTicketError, TicketError } from '../core/errors/ticket-error.js'
import type { Migration, MigrationPlan } from './migration.js'

/** Why a store's schema is not usable: `details.reason` of its `UNAVAILABLE` error. */
export type MigrationFailureReason = 'schema_behind' | 'schema_ahead' | 'migration_failed'

/** The newest step of a plan. */
export function latestVersion(plan: MigrationPlan): number {
  return plan.migrations.at(-1)?.version ?? 0
}

/**
 * The database is at an older version than this library needs, and the store may not
 * migrate it (`migrate: false`). Not retryable: someone has to apply the missing steps.
 */
export function schemaBehindError(plan: MigrationPlan, foundVersion: number): TicketError {
  const expectedVersion = latestVersion(plan)
  const print = plan.printCommand === undefined ? '' : ` (print them with \`${plan.printCommand(foundVersion)}\`)`
  return new TicketError(
    'UNAVAILABLE',
    `${capitalise(plan.store)} is at schema version ${foundVersion}, but this version of ticket-events needs version ${expectedVersion}. ` +
      `The store was created with migrate: false, so it does not migrate by itself: apply migrations ${foundVersion + 1}–${expectedVersion}` +
      `${print}, or let the store migrate.`,
    { retryable: false, details: { reason: 'schema_behind', store: plan.store, expectedVersion, foundVersion } },
  )
}

/** The database was migrated by a newer version of the library, whose tables this one may misread. */
export function schemaAheadError(plan: MigrationPlan, foundVersion: number): TicketError {
  const expectedVersion = latestVersion(plan)
  return new TicketError(
    'UNAVAILABLE',
    `${capitalise(plan.store)} is at schema version ${foundVersion}, newer than this version of ticket-events knows ` +
      `(${expectedVersion}): upgrade ticket-events to use it.`,
    { retryable: false, details: { reason: 'schema_ahead', store: plan.store, expectedVersion, foundVersion } },
  )
}

/**
 * A step (or the setup before the steps) failed. The run is one transaction, so nothing
 * of it stays: the database is still at `fromVersion`. Retryable only when the cause is
 * (a lost connection, a busy file, as the store's driver errors say).
 */
export function migrationFailedError(
  plan: MigrationPlan,
  step: Migration | 'setup' | 'check',
  fromVersion: number,
  error: unknown,
): TicketError {
  const transient = isTicketError(error) && error.code === 'UNAVAILABLE'
  const cause = transient && error.cause !== undefined ? error.cause : error
  const what =
    step === 'setup'
      ? 'Preparing the migrations (the lock and the migrations table)'
      : step === 'check'
        ? 'Reading the schema version'
        : `Migration ${step.version} ("${step.description}")`
  const outcome = step === 'check' ? 'Nothing was changed.' : `The migration rolled back; the schema is still at version ${fromVersion}.`
  return new TicketError('UNAVAILABLE', `${what} of ${plan.store} failed: ${describe(cause)}. ${outcome}`, {
    cause,
    retryable: transient && error.retryable,
    details: {
      reason: 'migration_failed',
      store: plan.store,
      failedStep: typeof step === 'string' ? step : step.version,
      ...(typeof step === 'string' ? {} : { description: step.description }),
      fromVersion,
    },
  })
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? `"${message}" (${code})` : `"${message}"`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
