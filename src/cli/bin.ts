#!/usr/bin/env node
/**
 * The `ticket-events` executable (package.json `bin`): `npx ticket-events sql postgres`.
 *
 * @internal
 * @module
 */
import { runCli } from './run-cli.js'

/** The part of Node's `process` the command uses (the library's sources carry no Node types). */
interface CliProcess {
  readonly argv: readonly string[]
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  exitCode?: number | undefined
}

const { process } = globalThis as unknown as { process: CliProcess }
process.exitCode = runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
})
