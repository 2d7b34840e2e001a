import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/stores/memory/index.js'
import { describeDedupeStoreContract } from '../../src/testing/dedupe-store-contract.js'
import { describeStoreContract } from '../../src/testing/store-contract.js'

/** The parts of vitest's JSON report this file reads. */
interface JsonReport {
  readonly testResults: ReadonlyArray<{
    readonly assertionResults: ReadonlyArray<{
      readonly ancestorTitles: readonly string[]
      readonly title: string
      readonly status: string
      readonly failureMessages: readonly string[]
    }>
  }>
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const vitestCli = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
const output = mkdtempSync(join(tmpdir(), 'ticket-events-skips-'))
afterAll(() => rmSync(output, { recursive: true, force: true }))

type TestsByTitle = Map<string, { status: string; failure: string }>

/**
 * Runs the `fixtures/rotten-*.fixture.ts` suites in a separate vitest process (they fail
 * on purpose, so they cannot run inside this one) and returns each suite's tests by title.
 */
async function runRottenSkipListSuites(): Promise<Map<string, TestsByTitle>> {
  const reportFile = join(output, 'report.json')
  // The child is a vitest of its own: it must not think it is one of this run's workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')))
  await new Promise<void>((resolve) => {
    execFile(
      process.execPath,
      [vitestCli, 'run', '--config', 'test/testing/fixtures/vitest.fixtures.config.ts', '--reporter=json', '--outputFile', reportFile],
      { cwd: root, env },
      // The run exits non-zero because the suite fails on purpose; the report says how.
      () => resolve(),
    )
  })
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport
  const suites = new Map<string, TestsByTitle>()
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      const suite = test.ancestorTitles[0] ?? ''
      const tests = suites.get(suite) ?? new Map()
      suites.set(suite, tests.set(test.title, { status: test.status, failure: test.failureMessages.join('\n') }))
    }
  }
  return suites
}

const suites = runRottenSkipListSuites()

describe('describeStoreContract skip lists', () => {
  let tests: TestsByTitle
  beforeAll(async () => {
    tests = (await suites).get('store contract: memory with a rotten skip list') ?? new Map()
  })

  it('fails the skip-list check for a title that names no test, and names that title', () => {
    const check = tests.get('every skip-list entry names a test of this suite and gives a reason')
    expect(check?.status).toBe('failed')
    expect(check?.failure).toContain('unknown test title in the skip list: "list() filters by any of chatIds (renamed long ago)"')
  })

  it('fails the skip-list check for an entry without a reason, and runs that test instead of skipping it', () => {
    const check = tests.get('every skip-list entry names a test of this suite and gives a reason')
    expect(check?.failure).toContain('skip-list entry without a reason: "events() filters by type"')
    expect(tests.get('events() filters by type')?.status).toBe('passed')
  })

  it('skips a listed test and shows its reason in the title', () => {
    expect(tests.get('list() filters by status (skipped: kept to show how a valid entry is reported)')?.status).toBe('skipped')
    expect(tests.has('list() filters by status')).toBe(false)
  })

  it('runs every other test of the suite, and they pass on the memory store', () => {
    const others = [...tests].filter(([title]) => !title.startsWith('every skip-list entry') && !title.includes('(skipped: '))
    expect(others.length).toBeGreaterThan(30)
    expect(others.filter(([, test]) => test.status !== 'passed').map(([title]) => title)).toEqual([])
  })

  it('refuses malformed arguments with VALIDATION before registering anything', () => {
    const malformed = () => describeStoreContract('memory', () => memoryStore(), { skip: { 'list() filters by status': 42 } } as never)
    expect(malformed).toThrow(expect.objectContaining({ name: 'TicketError', code: 'VALIDATION' }))
    expect(() => describeStoreContract('', () => memoryStore())).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})

describe('describeDedupeStoreContract skip lists', () => {
  let tests: TestsByTitle
  beforeAll(async () => {
    tests = (await suites).get('dedupe store contract: memory with a rotten skip list') ?? new Map()
  })

  it('fails the skip-list check for a title that names no test and for an entry without a reason', () => {
    const check = tests.get('every skip-list entry names a test of this suite and gives a reason')
    expect(check?.status).toBe('failed')
    expect(check?.failure).toContain('unknown test title in the skip list: "a claim of a new id is claimed (renamed long ago)"')
    expect(check?.failure).toContain('skip-list entry without a reason: "release never drops a processed record, even with its token"')
    expect(tests.get('release never drops a processed record, even with its token')?.status).toBe('passed')
  })

  it('skips a listed test with its reason in the title, and runs every other test, which pass on the memory store', () => {
    expect(
      tests.get('prune also deletes in-flight claims whose lease ran out (skipped: kept to show how a valid entry is reported)')?.status,
    ).toBe('skipped')
    const others = [...tests].filter(([title]) => !title.startsWith('every skip-list entry') && !title.includes('(skipped: '))
    expect(others.length).toBeGreaterThan(10)
    expect(others.filter(([, test]) => test.status !== 'passed').map(([title]) => title)).toEqual([])
  })

  it('refuses malformed arguments with VALIDATION before registering anything', () => {
    expect(() => describeDedupeStoreContract('memory', 'not a factory' as never)).toThrow(
      expect.objectContaining({ name: 'TicketError', code: 'VALIDATION' }),
    )
  })
})
