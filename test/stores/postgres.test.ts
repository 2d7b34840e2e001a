import { afterAll, describe, expect, it } from 'vitest'
import { describeStoreContract } from '../../src/testing/store-contract.js'
import { createPostgresTestDatabase, PG_URL } from '../support/postgres.js'

// The server in TICKET_EVENTS_PG_URL when set (a fresh schema per store), otherwise PGlite.
const database = createPostgresTestDatabase()
afterAll(() => database.dispose())

describe.runIf(PG_URL !== undefined)('postgres test server', () => {
  // Set but unreachable must fail loudly: this test (and every contract test) throws.
  it('answers at TICKET_EVENTS_PG_URL', async () => {
    expect(await database.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
  })
})

describeStoreContract(`postgres (${database.kind})`, () => database.createStore())
