/**
 * The package under the other runtimes the README promises: Deno, Bun and workerd (the
 * runtime of Cloudflare Workers). Each runs its own test files with its own test runner
 * (`deno test`, `bun test`, `workerd test`) against the package built from the current
 * sources; a failure shows that runner's report, naming the failing test.
 *
 * A runtime that is not installed skips with a message saying how to get it, except
 * under `TICKET_EVENTS_RUNTIMES=required` (CI), where it fails.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { type RuntimeRun, runRuntime, summaryOf } from './support/run-runtime.js'
import { findRuntime, HOW_TO_INSTALL, RUNTIMES_REQUIRED, type RuntimeBinary, type RuntimeName } from './support/runtime-binaries.js'
import { buildForRuntimes, WORKERD_CONFIG } from './support/runtime-build.js'

beforeAll(buildForRuntimes, 120_000)

/** What one runtime runs, and how to read its runner's closing summary. */
interface RuntimeSuite {
  readonly runtime: RuntimeName
  readonly title: string
  readonly args: (binary: RuntimeBinary) => readonly string[]
  /** Reads (passed, failed) from the output; `workerd test` has no counts, only PASS/FAIL per worker. */
  readonly summary: RegExp
}

const SUITES: readonly RuntimeSuite[] = [
  {
    runtime: 'deno',
    title:
      'the core, the service on the memory store, webhooks (the dispatcher and receiver too) and the HTTP handler pass their tests under Deno with no permissions',
    // No --allow-* flag: reading NODE_ENV or anything else that needs a permission would fail the run.
    args: () => ['test', '--no-prompt', '--no-lock', 'test/runtimes/deno/core-and-memory.test.js'],
    summary: /(\d+) passed \| (\d+) failed/,
  },
  {
    runtime: 'bun',
    title: 'the SQLite store (conformance suite) and the SQLite dedupe store pass their tests under Bun with bun:sqlite',
    args: () => ['test', './test/runtimes/bun/sqlite-store.test.js', './test/runtimes/bun/sqlite-dedupe-store.test.js'],
    summary: /^\s*(\d+) pass\s*\n\s*(\d+) fail/m,
  },
  {
    runtime: 'workerd',
    title: 'the serverless example (the HTTP handler on the memory store) answers the ticket API and streams the log under workerd',
    args: () => ['test', WORKERD_CONFIG],
    summary: /\[ PASS \] tester()/,
  },
]

/** Fails unless the runner exited 0, ran at least one test and reported no failure; the message is the runner's own report. */
function expectAllPassed(suite: RuntimeSuite, run: RuntimeRun): void {
  const report = `${suite.runtime} exited with ${run.exitCode}. Its report:\n${run.output}`
  expect(run.exitCode, report).toBe(0)
  const summary = summaryOf(run, suite.summary)
  expect(summary, `no test summary found. ${report}`).toBeDefined()
  if (suite.runtime === 'workerd') return // one PASS line for the tester worker, no counts
  expect(summary?.failed, report).toBe(0)
  expect(summary?.passed, report).toBeGreaterThan(0)
}

for (const suite of SUITES) {
  const binary = findRuntime(suite.runtime)
  const missing = `no ${suite.runtime} binary found: ${HOW_TO_INSTALL}`
  const skip = binary === undefined && !RUNTIMES_REQUIRED
  if (skip) console.warn(`Skipping the ${suite.runtime} tests: ${missing}.`)

  describe(`${suite.runtime} ${binary?.version ?? '(not found)'}`, () => {
    it.skipIf(skip)(skip ? `${suite.title} (skipped: ${missing})` : suite.title, async () => {
      if (binary === undefined) throw new Error(`TICKET_EVENTS_RUNTIMES=required, but ${missing}.`)
      expectAllPassed(suite, await runRuntime(binary.path, suite.args(binary)))
    })
  })
}
