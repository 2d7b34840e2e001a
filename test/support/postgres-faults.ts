/**
 * Faults on the shared PostgreSQL server, aimed only at a test's own connections: each
 * test tags its store's connections with a unique `application_name` and terminates
 * only backends with that name. The server itself is never restarted.
 */
import type pg from 'pg'

/** A unique `application_name` (PostgreSQL keeps 63 bytes of it) for one test's connections. */
export function faultApplicationName(label: string): string {
  return `te_fault_${process.pid}_${label}_${Math.random().toString(36).slice(2, 8)}`.slice(0, 63)
}

/** `url` with `application_name` set, so every connection the store opens carries it. */
export function withApplicationName(url: string, applicationName: string): string {
  const tagged = new URL(url)
  tagged.searchParams.set('application_name', applicationName)
  return tagged.toString()
}

/**
 * Terminates every backend tagged `applicationName` (never the caller's own) with
 * `pg_terminate_backend`, as a failover or an administrator would, and returns how many.
 */
export async function terminateBackends(admin: pg.Pool, applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ terminated: number }>(
    // MATERIALIZED: the filter runs first, so no other backend is ever passed to pg_terminate_backend.
    `WITH ours AS MATERIALIZED (
       SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()
     )
     SELECT (count(*) FILTER (WHERE pg_terminate_backend(pid)))::int AS terminated FROM ours`,
    [applicationName],
  )
  return rows[0]?.terminated ?? 0
}

/** How many backends tagged `applicationName` are connected. */
export async function countBackends(admin: pg.Pool, applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ connected: number }>(
    'SELECT count(*)::int AS connected FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  )
  return rows[0]?.connected ?? 0
}
