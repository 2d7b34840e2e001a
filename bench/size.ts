import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import type { BenchRow, BenchSection } from './report.js'

/** Every public entry, as users import it. */
const ENTRIES = [
  'ticket-events',
  'ticket-events/memory',
  'ticket-events/sqlite',
  'ticket-events/postgres',
  'ticket-events/migrations',
  'ticket-events/webhooks',
  'ticket-events/http',
  'ticket-events/http/node',
  'ticket-events/testing',
] as const

/** Optional peers and Node built-ins are the user's, not part of an entry's weight. */
const EXTERNAL = ['pg', 'better-sqlite3', '@electric-sql/pglite', 'fast-check', 'vitest', 'node:*']

/** The package's runtime dependencies (zod, …) and their subpaths: left out to measure the library's own code. */
const DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
).flatMap((name) => [name, `${name}/*`])

/**
 * Minified + gzipped size of one entry with all its dependencies (but `leaveOut`),
 * bundled by esbuild for a browser-like target.
 */
async function gzippedSize(entry: string, leaveOut: readonly string[] = []): Promise<number> {
  const result = await build({
    stdin: { contents: `export * from '${entry}'`, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import'],
    external: [...EXTERNAL, ...leaveOut],
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return gzipSync(code, { level: 9 }).length
}

/** Median wall time of running `node` with these arguments, in ms. */
function medianRunMs(args: readonly string[], runs: number): number {
  const times: number[] = []
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    execFileSync(process.execPath, args, { stdio: 'ignore' })
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}

/** Entry sizes (target: core ≤ 30 KB gzipped with its dependencies) and the core's cold import time over a bare `node -e 0`. */
export const benchSize: BenchSection = async () => {
  const rows: BenchRow[] = []
  for (const entry of ENTRIES) {
    const bytes = await gzippedSize(entry)
    rows.push({
      name: `${entry} (min+gz, with dependencies)`,
      value: bytes / 1024,
      unit: 'KB',
      ...(entry === 'ticket-events' ? { target: '<= 30 KB' } : {}),
    })
  }
  // How much of the core entry is the library's own code, next to the whole entry of the same run.
  const whole = rows[0]?.value ?? 0
  rows.push({
    name: `ticket-events, own code only (its dependencies left out)`,
    value: (await gzippedSize('ticket-events', DEPENDENCIES)) / 1024,
    unit: 'KB',
    baseline: { name: 'with its dependencies', value: whole },
  })
  const runs = 15
  const bare = medianRunMs(['-e', '0'], runs)
  const withImport = medianRunMs(['--input-type=module', '-e', "await import('ticket-events')"], runs)
  rows.push({
    name: `cold import('ticket-events'), median of ${runs} processes`,
    value: withImport,
    unit: 'ms',
    baseline: { name: 'node -e 0', value: bare },
    target: `< 50 ms over the baseline (measured: +${(withImport - bare).toFixed(1)} ms)`,
  })
  return rows
}
