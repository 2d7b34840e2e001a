import { storeClosedError } from '../core/errors/ticket-error.js'
import type { TicketStore } from '../store-contract/ticket-store.js'

/** A user-supplied store wrapped so it is migrated once before first use and closed once. */
export interface GuardedStore {
  readonly store: TicketStore
  /**
   * Resolves once the store is migrated; a failed migration is tried again on the next
   * call. After {@link GuardedStore.close} it rejects with `CLOSED`, whatever the store would do.
   */
  ready(): Promise<TicketStore>
  /** The store when it is migrated and not closed, without waiting; otherwise `undefined` (then call {@link GuardedStore.ready}). */
  readyNow(): TicketStore | undefined
  /** Closes the store the first time; later calls return the same promise. */
  close(): Promise<void>
}

/**
 * Guards a store the way a driver guards a connection: `migrate()` runs once (its promise
 * is shared by concurrent first calls, and forgotten when it fails so a later call can
 * retry), and `close()` runs once. Once closed, the service refuses every call with
 * `CLOSED` itself, so a user's store need not guard against use after `close()`.
 *
 * @internal
 */
export function guardStore(store: TicketStore): GuardedStore {
  let migrated: Promise<void> | undefined
  // Set once a migration has succeeded: a call then goes on without awaiting a promise.
  let migrationSucceeded = false
  let closed: Promise<void> | undefined
  return {
    store,
    async ready() {
      if (closed !== undefined) throw storeClosedError(store.name, `This ticket service and its ${store.name} store are closed.`)
      migrated ??= store.migrate().then(
        () => {
          migrationSucceeded = true
        },
        (error: unknown) => {
          migrated = undefined
          throw error
        },
      )
      await migrated
      return store
    },
    readyNow() {
      return migrationSucceeded && closed === undefined ? store : undefined
    },
    close() {
      closed ??= store.close()
      return closed
    },
  }
}
