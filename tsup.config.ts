import { defineConfig, type Options } from 'tsup'

/** Entries published as ESM and CJS; keep in step with `exports` in package.json. */
export const entries = {
  index: 'src/index.ts',
  'memory/index': 'src/stores/memory/index.ts',
  'sqlite/index': 'src/stores/sqlite/index.ts',
  'postgres/index': 'src/stores/postgres/index.ts',
  'migrations/index': 'src/migrations/index.ts',
  'webhooks/index': 'src/webhooks/index.ts',
  'http/index': 'src/http/index.ts',
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
  external: ['fast-check', 'vitest', 'pg', 'better-sqlite3', '@electric-sql/pglite'],
  // zod is bundled (tree-shaken) into the build: Node does not tree-shake, and importing
  // `zod/mini` from node_modules loads all of zod's core, compilers and 60+ locales,
  // which tripled the cold import time. zod stays a dependency for the `.d.ts` types.
  noExternal: ['zod'],
}

export default defineConfig([
  // No `clean` here: tsup builds the two configs in parallel, so `npm run build` empties dist first.
  { ...shared, entry: entries, format: ['esm', 'cjs'] },
  // `ticket-events/testing` is ESM only: its conformance suite imports vitest, which cannot be required.
  { ...shared, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
  // The `ticket-events` command (package.json `bin`): ESM, no types, its `#!` line kept by esbuild.
  { ...shared, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], dts: false },
])
