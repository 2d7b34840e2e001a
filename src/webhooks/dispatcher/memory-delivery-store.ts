import { DEFAULT_DEAD_LETTER_LIMIT, type DeadLetter, type DeliveryStore, type EndpointState } from './delivery-store.js'

interface EndpointRecord {
  afterId: string | null
  disabled: boolean
  disabledReason: string | null
  leaseOwner: string | null
  leaseToken: number
  leaseExpiresAt: number
}

/**
 * A {@link DeliveryStore} in process memory: for tests, demos and a single dispatcher
 * that may start from its `afterId` again after a restart. Nothing survives the process;
 * use `sqliteDeliveryStore` or `postgresDeliveryStore` when it should.
 *
 * @example
 * ```ts
 * const dispatcher = createWebhookDispatcher({ service, store: memoryDeliveryStore(), endpoints })
 * ```
 */
export function memoryDeliveryStore(): DeliveryStore {
  const endpoints = new Map<string, EndpointRecord>()
  const letters = new Map<string, DeadLetter>()
  const recordOf = (endpointId: string): EndpointRecord => {
    let record = endpoints.get(endpointId)
    if (record === undefined) {
      record = { afterId: null, disabled: false, disabledReason: null, leaseOwner: null, leaseToken: 0, leaseExpiresAt: 0 }
      endpoints.set(endpointId, record)
    }
    return record
  }
  const holds = (endpointId: string, token: number): boolean => endpoints.get(endpointId)?.leaseToken === token
  const letterKey = (endpointId: string, eventId: string) => `${endpointId}\u0000${eventId}`

  return {
    async migrate() {},
    async acquireLease({ endpointId, owner, now, expiresAt }) {
      const record = recordOf(endpointId)
      if (record.leaseExpiresAt > now) return null
      record.leaseOwner = owner
      record.leaseToken += 1
      record.leaseExpiresAt = expiresAt
      return { endpointId, token: record.leaseToken, expiresAt }
    },
    async renewLease({ endpointId, token, expiresAt }) {
      if (!holds(endpointId, token)) return false
      recordOf(endpointId).leaseExpiresAt = expiresAt
      return true
    },
    async releaseLease({ endpointId, token }) {
      if (holds(endpointId, token)) recordOf(endpointId).leaseExpiresAt = 0
    },
    async endpointState(endpointId): Promise<EndpointState> {
      const record = endpoints.get(endpointId)
      return { afterId: record?.afterId ?? null, disabled: record?.disabled ?? false, disabledReason: record?.disabledReason ?? null }
    },
    async saveMark({ endpointId, token, afterId }) {
      if (!holds(endpointId, token)) return false
      recordOf(endpointId).afterId = afterId
      return true
    },
    async disable({ endpointId, token, reason }) {
      if (!holds(endpointId, token)) return false
      const record = recordOf(endpointId)
      record.disabled = true
      record.disabledReason = reason
      return true
    },
    async enable(endpointId) {
      const record = recordOf(endpointId)
      record.disabled = false
      record.disabledReason = null
    },
    async addDeadLetter({ token, letter }) {
      if (!holds(letter.endpointId, token)) return false
      letters.set(letterKey(letter.endpointId, letter.eventId), { ...letter })
      return true
    },
    async deadLetters(query = {}) {
      return [...letters.values()]
        .filter((letter) => query.endpointId === undefined || letter.endpointId === query.endpointId)
        .sort((a, b) => a.deadAt - b.deadAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
        .slice(0, query.limit ?? DEFAULT_DEAD_LETTER_LIMIT)
    },
    async removeDeadLetter({ endpointId, eventId }) {
      return letters.delete(letterKey(endpointId, eventId))
    },
  }
}
