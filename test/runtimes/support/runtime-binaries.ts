/**
 * Finds the Deno, Bun and workerd binaries the runtime tests drive: first the pinned
 * versions that `npm run runtimes:install` puts in `node_modules/.cache/ticket-events-runtimes`, then
 * the `PATH`. A runtime that is not found makes its tests skip with a message saying how
 * to get it, unless `TICKET_EVENTS_RUNTIMES=required` (CI sets it): then they fail.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Outside the source tree (see scripts/install-runtimes.mjs); the pins live in test/runtimes/package-lock.json.
const PINNED_BIN = fileURLToPath(new URL('../../../node_modules/.cache/ticket-events-runtimes/node_modules/.bin/', import.meta.url))

/** The runtimes tested, by the name of their binary. */
export type RuntimeName = 'deno' | 'bun' | 'workerd'

/** A runtime binary that was found, and the version it reports. */
export interface RuntimeBinary {
  readonly path: string
  readonly version: string
}

/** True when CI asks for every runtime: a missing one then fails its tests instead of skipping them. */
export const RUNTIMES_REQUIRED = process.env['TICKET_EVENTS_RUNTIMES'] === 'required'

/** How to get the binaries, for skip and failure messages. */
export const HOW_TO_INSTALL =
  'run `npm run runtimes:install` (it installs the pinned Deno, Bun and workerd from the npm registry into node_modules/.cache/ticket-events-runtimes) or put the binary on PATH'

function candidates(name: RuntimeName): string[] {
  const names = process.platform === 'win32' ? [`${name}.cmd`, `${name}.exe`] : [name]
  const folders = [PINNED_BIN, ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean)]
  return folders.flatMap((folder) => names.map((file) => join(folder, file)))
}

/** The first binary of `name` that exists and answers `--version`, or `undefined`. */
export function findRuntime(name: RuntimeName): RuntimeBinary | undefined {
  for (const path of candidates(name)) {
    if (!existsSync(path)) continue
    try {
      const output = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })
      // `deno 2.9.6 (stable, …)`, `1.4.5`, `workerd 2026-11-17`: keep the version itself.
      return { path, version: /\d[\w.-]*/.exec(output)?.[0] ?? output.trim() }
    } catch {
      // A broken binary (a wrapper whose platform package is missing, say): try the next one.
    }
  }
  return undefined
}
