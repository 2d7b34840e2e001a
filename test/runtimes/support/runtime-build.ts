/**
 * Builds the package for the runtime tests: the published entries, with the build
 * options of `npm run build` (ESM, zod bundled, the same chunks), into
 * `.tmp/runtime-build/`, which the test files under `deno/`, `bun/` and `workerd/` import.
 *
 * Building here rather than reading `dist/` keeps the runtime tests on the current
 * sources: `npm test` needs no `npm run build` first and never tests a stale `dist/`.
 * Types are left out (the runtimes run JavaScript), which keeps the build to a few seconds.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build as bundle } from 'esbuild'
import { build } from 'tsup'
import { entries, esmOnlyEntries, shared } from '../../../tsup.config.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** Where the build goes; the runtime test files import it by relative path. */
export const RUNTIME_BUILD = fileURLToPath(new URL('../../../.tmp/runtime-build/', import.meta.url))

/** The workerd test's folder: its config, the serverless example bundled, and the worker that drives it. */
export const WORKERD_CONFIG = `${RUNTIME_BUILD}workerd/config.capnp`

/** Builds every entry (the ESM-only ones too) into {@link RUNTIME_BUILD}, then the workerd bundle. */
export async function buildForRuntimes(): Promise<void> {
  rmSync(RUNTIME_BUILD, { recursive: true, force: true })
  await build({
    ...shared,
    config: false,
    entry: { ...entries, ...esmOnlyEntries },
    format: ['esm'],
    outDir: RUNTIME_BUILD,
    dts: false,
    sourcemap: false,
    silent: true,
  })
  await buildWorkerd()
}

/**
 * workerd loads a worker from the files its config lists, so the serverless example is
 * bundled into one module, with `ticket-events` resolved to the build above.
 */
async function buildWorkerd(): Promise<void> {
  const folder = `${RUNTIME_BUILD}workerd/`
  mkdirSync(folder, { recursive: true })
  await bundle({
    entryPoints: [`${ROOT}examples/serverless/index.ts`],
    outfile: `${folder}serverless-example.js`,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    alias: {
      'ticket-events': `${RUNTIME_BUILD}index.js`,
      'ticket-events/http': `${RUNTIME_BUILD}http/index.js`,
      'ticket-events/memory': `${RUNTIME_BUILD}memory/index.js`,
    },
    logLevel: 'error',
  })
  for (const file of ['config.capnp', 'serverless-example.test.js']) {
    copyFileSync(`${ROOT}test/runtimes/workerd/${file}`, `${folder}${file}`)
  }
}
