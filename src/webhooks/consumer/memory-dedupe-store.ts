import type { ClaimOutcome, DedupeClaim, DedupeStore } from './dedupe-store.js'

interface MemoryRecord {
  processed: boolean
  token: string
  expiresAt: number
}

/**
 * A {@link DedupeStore} in process memory: for tests, single-process receivers and
 * prototypes. Ids are lost on restart and not shared between processes; use
 * `sqliteDedupeStore` or `postgresDedupeStore` when that matters.
 *
 * @example
 * ```ts
 * const consumer = createIdempotentConsumer({ store: memoryDedupeStore(), handler })
 * ```
 */
export function memoryDedupeStore(): DedupeStore {
  const records = new Map<string, MemoryRecord>()
  return {
    async migrate() {},
    async claim({ eventId, token, now, leaseUntil }: DedupeClaim): Promise<ClaimOutcome> {
      const existing = records.get(eventId)
      if (existing && existing.expiresAt > now) return existing.processed ? 'processed' : 'in_flight'
      records.set(eventId, { processed: false, token, expiresAt: leaseUntil })
      return 'claimed'
    },
    async complete({ eventId, token, expiresAt }) {
      const record = records.get(eventId)
      if (record?.token === token) records.set(eventId, { processed: true, token, expiresAt })
    },
    async release({ eventId, token }) {
      const record = records.get(eventId)
      if (record?.token === token && !record.processed) records.delete(eventId)
    },
    async prune(now) {
      let pruned = 0
      for (const [eventId, record] of records) {
        if (record.expiresAt <= now) {
          records.delete(eventId)
          pruned++
        }
      }
      return pruned
    },
  }
}
