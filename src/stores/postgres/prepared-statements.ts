/**
 * Prepared statements on node-postgres: a query sent with a `name` is parsed and planned
 * once per connection (node-postgres remembers, per connection, which names it has
 * prepared), and from then on only its parameters travel. A new connection — say, after
 * a terminated backend — prepares it again on first use.
 *
 * The name is a hash of the statement's text, so two stores on one connection (two
 * schemas, two table prefixes) never give one name to two texts.
 *
 * @internal
 * @module
 */
import type { PostgresQueryable, PostgresQueryResult } from './postgres-store-config.js'

/** Statement text → the name it is prepared under. */
export type StatementNames = ReadonlyMap<string, string>

/** node-postgres's query config form: `query({ name, text, values })`. */
type NamedQuery = (config: { name: string; text: string; values: unknown[] | undefined }) => Promise<PostgresQueryResult>

/** The names of `texts`: `te_` and a 64-bit hash of each text (two 32-bit FNV-1a hashes) in hex. */
export function statementNames(texts: Iterable<string>): StatementNames {
  const names = new Map<string, string>()
  const taken = new Set<string>()
  for (const text of texts) {
    if (names.has(text)) continue
    const name = statementName(text)
    // Two texts under one name would make node-postgres refuse the second: fail loudly here instead.
    if (taken.has(name)) throw new Error(`Two statements hash to the prepared statement name ${name}.`)
    taken.add(name)
    names.set(text, name)
  }
  return names
}

function statementName(text: string): string {
  return `te_${fnv1a(text, 0x811c9dc5)}${fnv1a(text, 0x01000193)}`
}

function fnv1a(text: string, seed: number): string {
  let hash = seed
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

/**
 * `connection` sending the texts in `names` as named (prepared) statements and every
 * other text as it is; `connection` itself when `names` is `null`.
 */
export function naming<T extends PostgresQueryable>(connection: T, names: StatementNames | null): PostgresQueryable {
  if (names === null) return connection
  return {
    query(text, params) {
      const name = names.get(text)
      if (name === undefined) return connection.query(text, params)
      return (connection.query as unknown as NamedQuery).call(connection, { name, text, values: params })
    },
  }
}
