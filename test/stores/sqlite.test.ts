import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { describeStoreContract } from '../../src/testing/store-contract.js'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-contract-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

let files = 0
describeStoreContract('sqlite', () => sqliteStore({ filename: join(directory, `store-${++files}.db`) }))
