import { describeDeliveryStoreContract } from '../../src/testing/delivery-store-contract.js'
import { memoryDeliveryStore, postgresDeliveryStore, sqliteDeliveryStore } from '../../src/webhooks/index.js'
import { contractBackends } from '../support/contract-backends.js'
import { nullForNoRow } from '../support/null-row-sqlite.js'

const backends = contractBackends('deliveries')

describeDeliveryStoreContract('memory', () => memoryDeliveryStore())

describeDeliveryStoreContract('sqlite', () => sqliteDeliveryStore({ database: backends.freshSqliteDatabase() }))

describeDeliveryStoreContract('sqlite with a table prefix', () =>
  sqliteDeliveryStore({ database: backends.freshSqliteDatabase(), tablePrefix: 'acme_' }),
)

// bun:sqlite's statements answer null for "no row"; the store must read that as no row too.
describeDeliveryStoreContract('sqlite on a driver whose get() answers null for no row', () =>
  sqliteDeliveryStore({ database: nullForNoRow(backends.freshSqliteDatabase()) }),
)

// The server in TICKET_EVENTS_PG_URL when set (a fresh schema per store), otherwise PGlite.
describeDeliveryStoreContract(`postgres (${backends.postgresKind})`, async () => postgresDeliveryStore(await backends.freshPostgres()))
