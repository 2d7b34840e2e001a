import { defineConfig } from 'tsup'

/** One entry per subpath export; keep in step with `exports` in package.json. */
export const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
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
  external: ['fast-check', 'vitest', 'pg', 'better-sqlite3', '@electric-sql/pglite'],
})
