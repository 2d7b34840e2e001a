/** Where `handle` gets time and ids from, and whether it freezes the state it returns. */
export interface HandleContext {
  /** The clock; every event of one command carries this instant as `occurredAt`. */
  readonly now?: () => Date
  /** Returns a new ULID; called in order, so ids within a batch must increase. */
  readonly newId?: () => string
  /**
   * Deep-freeze the returned state (`true`) or leave it unfrozen (`false`). The default
   * follows `NODE_ENV`: see {@link FREEZES_BY_DEFAULT}. Unfrozen states are still
   * read-only values by contract: `handle` never mutates a state, and neither may you.
   */
  readonly freeze?: boolean
}
