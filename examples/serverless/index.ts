/**
 * The ticket API as a Web-standard `fetch` export: Cloudflare Workers, Deno
 * (`deno serve`), Bun (`bun run`), Vercel/Netlify edge functions and other runtimes that
 * take `export default { fetch }`.
 *
 * The service is created at module level, so warm invocations of the same instance
 * reuse it (and its store's connections); only a cold start builds it again.
 *
 * The memory store keeps tickets only as long as the instance lives. For real use,
 * swap in PostgreSQL:
 *
 * ```ts
 * import { postgresStore } from 'ticket-events/postgres'
 * const service = createTicketService({
 *   store: postgresStore({ connectionString: process.env.DATABASE_URL }),
 * })
 * ```
 *
 * (On runtimes without `process.env`, read the connection string from the platform's
 * environment bindings instead, and use a pooled or HTTP-friendly endpoint where the
 * platform limits connections.)
 */
import { createTicketService } from 'ticket-events'
import { createTicketHandler } from 'ticket-events/http'
import { memoryStore } from 'ticket-events/memory'

/** Static API keys, one per workspace. Look them up in your database or a KV store instead. */
const API_KEYS: Readonly<Record<string, string>> = {
  'demo-key-acme': '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
}

const service = createTicketService({ store: memoryStore() })

const fetch = createTicketHandler({
  service,
  authenticate: (authorization) => {
    const workspaceId = Object.hasOwn(API_KEYS, authorization) ? API_KEYS[authorization] : undefined
    return workspaceId === undefined ? null : { workspaceId }
  },
})

export default { fetch }
