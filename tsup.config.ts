import { defineConfig } from 'tsup'

/** One entry per subpath export; keep in step with `exports` in package.json. */
export const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'memory/index': 'src/stores/memory/index.ts',
  'sqlite/index': 'src/stores/sqlite/index.ts',
  'postgres/index': 'src/stores/postgres/index.ts',
  'webhooks/index': 'src/webhooks/index.ts',
  'http/index': 'src/http/index.ts',
}

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
  // Drivers and test tools are optional peer dependencies, loaded only by the entries that need them.
  external: ['fast-check', 'vitest', 'pg', 'better-sqlite3', '@electric-sql/pglite'],
})
