/**
 * Whether the library runs in development mode: states are frozen and extra checks run.
 *
 * @module
 */

// Declared here rather than taken from Node's typings: the core entries compile without
// them, and the declaration is local to this module.
declare const process: { readonly env: { readonly NODE_ENV?: string } }

/**
 * Reads `NODE_ENV` as a literal `process.env.NODE_ENV`, so bundlers that define it
 * (esbuild, Vite, webpack) replace the read and production builds drop development work.
 * Where nothing can be read — no `process` in a browser or worker, or Deno without
 * `--allow-env`, which throws on the read — the library behaves as in production.
 */
function readNodeEnv(): string {
  try {
    return process.env.NODE_ENV ?? 'development'
  } catch {
    return 'production'
  }
}

/** `true` unless `NODE_ENV` is `production` or cannot be read (see {@link readNodeEnv}). */
export const IS_DEVELOPMENT_MODE: boolean = readNodeEnv() !== 'production'
