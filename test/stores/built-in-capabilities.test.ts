import { afterAll, describe, expect, it } from 'vitest'
import { OPTIONAL_STORE_METHODS, storeCapabilities, type TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { createPostgresTestDatabase } from '../support/postgres.js'

const postgres = createPostgresTestDatabase()
afterAll(() => postgres.dispose())

// The conformance suite skips what a store does not offer, so a built-in store that lost
// an optional method (a wrapper that forgot to forward it) would still pass it: this says
// every built-in store offers every optional method.
describe('the built-in stores', () => {
  it.each<[string, () => TicketStore | Promise<TicketStore>]>([
    ['memory', () => memoryStore()],
    ['sqlite', () => sqliteStore({ filename: ':memory:' })],
    ['postgres', () => postgres.createStore()],
  ])('%s offers every optional method of the contract', async (_, makeStore) => {
    const store = await makeStore()
    const everything = Object.fromEntries(Object.values(OPTIONAL_STORE_METHODS).map((flag) => [flag, true]))
    expect(storeCapabilities(store)).toEqual({ supportsSnapshots: true, ...everything })
    await store.close()
  })
})
