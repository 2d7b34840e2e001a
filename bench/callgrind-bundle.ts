/**
 * One plain ES module of a bench script, for the runs valgrind's callgrind counts.
 *
 * Run through tsx, a script compiles (or reads tsx's cache) at every start, which moved
 * the instruction totals of identical runs by ~2 % and more; a bundled file, started as
 * `node --predictable` (JIT compilation and garbage collection on the main thread, fixed
 * seeds), counts the same to a few hundredths of a percent. The bundle is written to
 * `node_modules/.cache/ticket-events-bench/`, so the native driver it leaves out
 * (better-sqlite3) still resolves from the project's `node_modules`.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The Node flags for a counted run: put them before the bundle's path. */
export const COUNTED_RUN_FLAGS = ['--predictable'] as const

/** Bundles the script at `entry` (a file URL, `import.meta.url`) as `name`.mjs and returns the bundle's path. */
export async function bundleForCallgrind(entry: string, name: string): Promise<string> {
  const outfile = fileURLToPath(new URL(`../node_modules/.cache/ticket-events-bench/${name}.mjs`, import.meta.url))
  await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    external: ['better-sqlite3'],
    // The CommonJS dependencies bundled in call require() for Node's built-ins.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  })
  return outfile
}
