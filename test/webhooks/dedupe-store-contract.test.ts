import { describeDedupeStoreContract } from '../../src/testing/dedupe-store-contract.js'
import { memoryDedupeStore, postgresDedupeStore, sqliteDedupeStore } from '../../src/webhooks/index.js'
import { contractBackends } from '../support/contract-backends.js'
import { nullForNoRow } from '../support/null-row-sqlite.js'

const backends = contractBackends('dedupe')

describeDedupeStoreContract('memory', () => memoryDedupeStore())

describeDedupeStoreContract('sqlite', () => sqliteDedupeStore({ database: backends.freshSqliteDatabase() }))

describeDedupeStoreContract('sqlite with a table prefix', () =>
  sqliteDedupeStore({ database: backends.freshSqliteDatabase(), tablePrefix: 'acme_' }),
)

// bun:sqlite's statements answer null for "no row"; the store must read that as no row too.
describeDedupeStoreContract('sqlite on a driver whose get() answers null for no row', () =>
  sqliteDedupeStore({ database: nullForNoRow(backends.freshSqliteDatabase()) }),
)

// The server in TICKET_EVENTS_PG_URL when set (a fresh schema per store), otherwise PGlite
// (there with a custom table name, so both naming paths run).
describeDedupeStoreContract(`postgres (${backends.postgresKind})`, async () => {
  const target = await backends.freshPostgres()
  return postgresDedupeStore('pglite' in target ? { ...target, tableName: 'Deliveries' } : target)
})
