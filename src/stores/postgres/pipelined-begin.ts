/**
 * `BEGIN` and a transaction's first statement in one round trip, on node-postgres.
 *
 * node-postgres waits for each query's answer before it sends the next, so `BEGIN` costs
 * a round trip of its own. Here both go in one extended-protocol pipeline ending in a
 * single `Sync`: the server runs `BEGIN` (which turns the pipeline's implicit transaction
 * into an ordinary one, still open after the `Sync`) and then the statement. The
 * statement's answer arrives before anything else is sent, so a caller still learns what
 * it needs (the transaction id) before it sends `COMMIT`; a connection lost before that
 * answer never sent `COMMIT`, so nothing was committed.
 *
 * It is a node-postgres "submittable" (the public hook `pg-cursor` uses: an object with
 * `submit(connection)` and `handle…` callbacks), and sends its messages through the
 * connection's `parse`/`bind`/`describe`/`execute`/`sync`, as `pg.Query` does. Any other
 * connection (PGlite) runs `BEGIN` on its own.
 *
 * @internal
 * @module
 */
import type { PostgresQueryable, PostgresQueryResult } from './postgres-store-config.js'

/** The parts of node-postgres's `Connection` (pg 8) the pipeline writes to. */
interface PgConnection {
  readonly parsedStatements: Record<string, string>
  /** Named statements sent but not yet confirmed (newer pg 8 releases). */
  readonly submittedNamedStatements?: Record<string, string>
  readonly stream: { cork?(): void; uncork?(): void }
  parse(config: { text: string; name: string; types: unknown[] }): void
  bind(config: { portal: string; statement: string; values: readonly unknown[]; valueMapper?: (value: unknown) => unknown }): void
  describe(config: { type: 'P'; name: string }): void
  execute(config: { portal: string; rows: number }): void
  sync(): void
}

/** A node-postgres client, as far as this module needs one. */
interface PgClient {
  readonly connection: PgConnection
  query(submittable: object): unknown
}

/** Runs `BEGIN` and then `text` with `params`, in one round trip; resolves to the statement's rows. */
export type PipelinedBegin = (text: string, params: readonly unknown[] | undefined) => Promise<PostgresQueryResult>

/**
 * The pipelined `BEGIN` for `connection` when it is a node-postgres client, else `null`.
 *
 * @param name - the statement's prepared name (see `prepared-statements.ts`), or
 * `undefined` to send it unnamed
 */
export function pipelinedBegin(connection: PostgresQueryable, name: (text: string) => string | undefined): PipelinedBegin | null {
  if (!isPgClient(connection)) return null
  return (text, params) =>
    new Promise((resolve, reject) => {
      connection.query(new BeginThenQuery(name(text), text, params ?? [], (error, result) => (error ? reject(error) : resolve(result))))
    })
}

function isPgClient(connection: unknown): connection is PgClient {
  const inner = (connection as { connection?: Partial<Record<keyof PgConnection, unknown>> }).connection
  return (
    typeof inner === 'object' &&
    inner !== null &&
    typeof inner.parsedStatements === 'object' &&
    typeof inner.stream === 'object' &&
    (['parse', 'bind', 'describe', 'execute', 'sync'] as const).every((method) => typeof inner[method] === 'function')
  )
}

const BOOL = 16
const INT2 = 21
const INT4 = 23
const JSON_OID = 114
const JSONB = 3802

/** The submittable: its fields and `handle…` methods are what node-postgres's client calls. */
class BeginThenQuery {
  /** node-postgres records a named statement as prepared when the server confirms a parse of it. */
  readonly name: string | undefined
  readonly text: string
  readonly #values: readonly unknown[]
  readonly #done: (error: Error | null, result: PostgresQueryResult) => void
  #settled = false
  #fields: { readonly name: string; readonly dataTypeID: number }[] = []
  readonly #rows: Record<string, unknown>[] = []

  constructor(
    name: string | undefined,
    text: string,
    values: readonly unknown[],
    done: (error: Error | null, result: PostgresQueryResult) => void,
  ) {
    this.name = name
    this.text = text
    this.#values = values
    this.#done = done
  }

  submit(connection: PgConnection): null {
    const { name, text } = this
    const parsed =
      name !== undefined && (connection.parsedStatements[name] !== undefined || connection.submittedNamedStatements?.[name] !== undefined)
    connection.stream.cork?.()
    try {
      // A named statement is parsed first, so the first ParseComplete — on which the
      // client marks the name as prepared — is its own, not BEGIN's.
      if (name !== undefined && !parsed) {
        connection.parse({ text, name, types: [] })
        if (connection.submittedNamedStatements) connection.submittedNamedStatements[name] = text
      }
      connection.parse({ text: 'BEGIN', name: '', types: [] })
      connection.bind({ portal: '', statement: '', values: [] })
      connection.execute({ portal: '', rows: 0 })
      if (name === undefined) connection.parse({ text, name: '', types: [] })
      connection.bind({ portal: '', statement: name ?? '', values: this.#values, valueMapper: toParameter })
      connection.describe({ type: 'P', name: '' })
      connection.execute({ portal: '', rows: 0 })
      connection.sync()
    } finally {
      connection.stream.uncork?.()
    }
    return null
  }

  handleRowDescription(message: { fields: { name: string; dataTypeID: number }[] }): void {
    this.#fields = message.fields
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    const found: Record<string, unknown> = {}
    this.#fields.forEach((field, index) => {
      found[field.name] = fromText(message.fields[index] ?? null, field.dataTypeID)
    })
    this.#rows.push(found)
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}

  handleError(error: Error): void {
    this.#settle(error)
  }

  handleReadyForQuery(): void {
    this.#settle(null)
  }

  #settle(error: Error | null): void {
    if (this.#settled) return
    this.#settled = true
    this.#done(error, { rows: this.#rows })
  }
}

/** A column's text value, parsed for the types the store reads; anything else stays text. */
function fromText(value: string | null, type: number): unknown {
  if (value === null) return null
  if (type === BOOL) return value === 't'
  if (type === INT2 || type === INT4) return Number(value)
  if (type === JSON_OID || type === JSONB) return JSON.parse(value)
  return value
}

/** A parameter in PostgreSQL's text format: arrays as array literals, as node-postgres sends them. */
function toParameter(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return `{${value.map(arrayElement).join(',')}}`
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (Array.isArray(value)) return `{${value.map(arrayElement).join(',')}}`
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}
