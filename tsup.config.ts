import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { defineConfig, type Options } from 'tsup'

const require = createRequire(import.meta.url)
const packageDirectory = (name: string): string => dirname(require.resolve(`${name}/package.json`))

/**
 * The builds of immer and ulid we bundle, picked by file because their exports maps
 * would pick others on Node: immer's ESM development build reads `process.env.NODE_ENV`
 * at import, unguarded (a ReferenceError in a browser without a bundler's define, and
 * `NotCapable` in Deno without `--allow-env`); its production build reads nothing.
 * ulid's Node build imports `node:crypto`, which the root entry must not; its browser
 * build uses Web Crypto (`globalThis.crypto`, in Node since 19) and nothing else.
 */
const BUNDLED_BUILDS: Record<string, string> = {
  immer: join(packageDirectory('immer'), 'dist/immer.production.mjs'),
  ulid: join(packageDirectory('ulid'), 'dist/browser/index.js'),
}

/**
 * Entries published as ESM and CJS; keep in step with `exports` and `typesVersions` in
 * package.json (and with `scripts/api-report.mjs`, which reports each entry's API).
 */
export const entries = {
  index: 'src/index.ts',
  // The zod schemas, off the root so the root's types stay free of zod generics.
  'schemas/index': 'src/schemas/index.ts',
  // fast-check generators: they need fast-check only, so they ship for CJS (Jest) too.
  'testing/index': 'src/testing/index.ts',
  'memory/index': 'src/stores/memory/index.ts',
  'sqlite/index': 'src/stores/sqlite/index.ts',
  'postgres/index': 'src/stores/postgres/index.ts',
  'migrations/index': 'src/migrations/index.ts',
  'webhooks/index': 'src/webhooks/index.ts',
  'http/index': 'src/http/index.ts',
  'nats/index': 'src/nats/index.ts',
  // Node only: kept out of the runtime-neutral entries above.
  'http/node/index': 'src/http/node/index.ts',
}

/** Build options of every published entry (the runtime tests build with them too). */
export const shared: Options = {
  dts: true,
  sourcemap: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
  // Drivers and test tools are optional peer dependencies, loaded only by the entries that need them.
  external: ['fast-check', 'vitest', 'pg', 'better-sqlite3', '@electric-sql/pglite', /^@nats-io\//],
  // zod is bundled (tree-shaken) into the build: Node does not tree-shake, and importing
  // `zod/mini` from node_modules loads all of zod's core, compilers and 60+ locales,
  // which tripled the cold import time. zod stays a dependency for the `.d.ts` types.
  // immer and ulid are bundled too, as the builds named in BUNDLED_BUILDS (see there why).
  noExternal: ['zod', 'immer', 'ulid'],
  esbuildPlugins: [
    {
      name: 'bundled-builds',
      setup(build) {
        build.onResolve({ filter: /^(immer|ulid)$/ }, (args) => ({ path: BUNDLED_BUILDS[args.path] as string }))
      },
    },
  ],
}

/**
 * Entries published as ESM only: the vitest conformance suites import vitest, which
 * cannot be required. Every conformance suite goes into this one entry.
 */
export const esmOnlyEntries = {
  'testing/vitest/index': 'src/testing/vitest/index.ts',
}

export default defineConfig([
  // No `clean` here: tsup builds the two configs in parallel, so `npm run build` empties dist first.
  { ...shared, entry: entries, format: ['esm', 'cjs'] },
  { ...shared, entry: esmOnlyEntries, format: ['esm'] },
  // The `ticket-events` command (package.json `bin`): ESM, no types, its `#!` line kept by esbuild.
  { ...shared, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], dts: false },
])
