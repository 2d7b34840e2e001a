/**
 * `ticket-events/testing` needs fast-check and nothing else: the entry is built as it is
 * published (ESM and CJS, with the build options of `npm run build`) into a folder outside
 * the project whose `node_modules` holds what installing ticket-events brings (its
 * dependencies) plus fast-check, and its generators run there under `node:test`,
 * imported and required. A top-level import of vitest (or of any other package) would
 * fail to resolve there.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { build } from 'tsup'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shared } from '../../tsup.config.js'

const require = createRequire(import.meta.url)
/** What a user's node_modules holds: ticket-events' own dependencies, and fast-check beside them. */
const INSTALLED = [
  ...Object.keys(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).dependencies),
  'fast-check',
]
// Outside the project, so module resolution cannot climb into the project's node_modules.
const folder = mkdtempSync(join(tmpdir(), 'ticket-events-testing-entry-'))

const ESM_TEST = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { arbEventStream, arbScenario, createTestContext, runScenario } from './dist/testing/index.js'

test('generated ticket lives run through handle under node:test (ESM)', () => {
  fc.assert(
    fc.property(arbScenario({ maxCommands: 8 }), (scenario) => {
      const run = runScenario(scenario)
      assert.equal(run.events[0]?.type, 'ticket:created')
      assert.equal(run.events.at(-1)?.version, run.state.version)
    }),
    { numRuns: 25 },
  )
  fc.assert(fc.property(arbEventStream(), (events) => events.every((event, index) => event.version === index + 1)), { numRuns: 10 })
  assert.equal(typeof createTestContext().newId(), 'string')
})
`

const CJS_TEST = `const assert = require('node:assert/strict')
const { test } = require('node:test')
const fc = require('fast-check')
const { arbScenario, runScenario } = require('./dist/testing/index.cjs')

test('generated ticket lives run through handle under node:test (CommonJS)', () => {
  fc.assert(fc.property(arbScenario({ maxCommands: 8 }), (scenario) => runScenario(scenario).events.length > 0), { numRuns: 25 })
})
`

beforeAll(async () => {
  await build({
    ...shared,
    config: false,
    entry: { 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    outDir: join(folder, 'dist'),
    dts: false,
    sourcemap: false,
    silent: true,
  })
  mkdirSync(join(folder, 'node_modules'))
  for (const name of INSTALLED) symlinkSync(dirname(require.resolve(`${name}/package.json`)), join(folder, 'node_modules', name), 'dir')
  writeFileSync(join(folder, 'generators.test.mjs'), ESM_TEST)
  writeFileSync(join(folder, 'generators.test.cjs'), CJS_TEST)
}, 60_000)

afterAll(() => rmSync(folder, { recursive: true, force: true }))

const node = (args: readonly string[]) => spawnSync(process.execPath, args, { cwd: folder, encoding: 'utf8', timeout: 60_000 })

describe('ticket-events/testing', () => {
  it('is built where vitest cannot be found', () => {
    const probe = node(['--input-type=module', '-e', "await import('vitest')"])
    expect(probe.status).not.toBe(0)
    expect(probe.stderr).toMatch(/Cannot find package 'vitest'/)
  })

  it('imports no package but fast-check and the ones installing ticket-events brings', () => {
    const outside = new Set<string>()
    for (const file of readdirSync(join(folder, 'dist'), { recursive: true, encoding: 'utf8' })) {
      if (!/\.c?js$/.test(file)) continue
      const code = readFileSync(join(folder, 'dist', file), 'utf8')
      for (const [, specifier] of code.matchAll(/(?:from\s*|require\()\s*["']([^"'.][^"']*)["']/g)) outside.add(specifier as string)
    }
    expect(outside.has('fast-check')).toBe(true)
    expect([...outside].filter((specifier) => !INSTALLED.includes(specifier))).toEqual([])
  })

  it('runs its generators under node:test, imported as ESM and required as CommonJS', () => {
    const run = node(['--test', 'generators.test.mjs', 'generators.test.cjs'])
    const report = `node --test exited with ${run.status}:\n${run.stdout}\n${run.stderr}`
    expect(run.status, report).toBe(0)
    expect(run.stdout, report).toMatch(/^# pass 2$/m)
    expect(run.stdout, report).toMatch(/^# fail 0$/m)
  })
})
