import { PGlite } from '@electric-sql/pglite'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { TicketError } from '../../src/core/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  createWebhookDispatcher,
  type DeliveryStore,
  generateWebhookSecret,
  postgresDeliveryStore,
  type WebhookFetch,
} from '../../src/webhooks/index.js'
import { connectTestServer, freshSchemaName, PG_URL } from '../support/postgres.js'
import { eventually, startTestReceiver } from './support/test-receiver.js'
import { ticketWithActivity } from './support/ticket-activity.js'

const schema = freshSchemaName()
const pools: pg.Pool[] = []
let pglite: PGlite | undefined
afterAll(async () => {
  if (pools[0] !== undefined) await pools[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  for (const pool of pools) await pool.end()
  await pglite?.close()
})

/** A delivery store on the shared database: its own pool on a server, the one PGlite otherwise. */
async function sharedStore(): Promise<DeliveryStore> {
  if (PG_URL !== undefined) {
    const pool = await connectTestServer(PG_URL, 4)
    pools.push(pool)
    return postgresDeliveryStore({ pool, schema })
  }
  pglite ??= await PGlite.create()
  return postgresDeliveryStore({ pglite, schema })
}

interface Interval {
  readonly dispatcher: string
  readonly endpoint: string
  readonly start: number
  end: number
}

describe('two dispatchers on one PostgreSQL', () => {
  it('never deliver the same endpoint at once, also when one loses its lease', async () => {
    const service = createTicketService({ store: memoryStore() })
    for (let index = 0; index < 10; index++) await ticketWithActivity(service)
    const receiver = await startTestReceiver(() => ({ status: 200 }))
    const secret = generateWebhookSecret()
    const intervals: Interval[] = []
    const recording =
      (dispatcher: string): WebhookFetch =>
      async (url, init) => {
        const interval: Interval = {
          dispatcher,
          endpoint: new URL(url).searchParams.get('endpoint') ?? '',
          start: performance.now(),
          end: Number.POSITIVE_INFINITY,
        }
        intervals.push(interval)
        try {
          // A little latency, so that deliveries take time and could overlap if leases did not hold.
          await new Promise((resolve) => setTimeout(resolve, 3))
          return await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-endpoint': interval.endpoint } })
        } finally {
          interval.end = performance.now()
        }
      }
    const endpoints = ['a', 'b', 'c'].map((id) => ({ id, url: `${receiver.url}?endpoint=${id}`, secret, maxInFlight: 3 }))

    // Dispatcher "one" loses its database for lease renewals once `cut` is set.
    let cut = false
    const oneStore = await sharedStore()
    const flaky: DeliveryStore = {
      ...oneStore,
      renewLease: (input) => (cut ? Promise.reject(new TicketError('UNAVAILABLE', 'connection lost')) : oneStore.renewLease(input)),
      acquireLease: (input) => (cut ? Promise.reject(new TicketError('UNAVAILABLE', 'connection lost')) : oneStore.acquireLease(input)),
    }
    // Short leases, so the hand-over happens within the test; long enough for a loaded machine to renew in time.
    const common = { service, endpoints, leaseMs: 1500, pollIntervalMs: 20 }
    const one = new AbortController()
    const two = new AbortController()

    const runningOne = createWebhookDispatcher({ ...common, store: flaky, fetch: recording('one') }).run(one.signal)
    await eventually(() => intervals.length >= 5, 'the first deliveries')
    const runningTwo = createWebhookDispatcher({ ...common, store: await sharedStore(), fetch: recording('two') }).run(two.signal)
    cut = true
    // More events while the leases change hands, so that there is something to deliver: one
    // keeps delivering until its unrenewed lease runs out, and on a fast machine it could
    // deliver a fixed batch of new events before then, leaving two nothing to take over with.
    // So new events keep coming until two has delivered to every endpoint.
    const twoHasEvery = () =>
      endpoints.every((endpoint) => intervals.some((interval) => interval.dispatcher === 'two' && interval.endpoint === endpoint.id))
    const takeoverStarted = Date.now()
    while (!twoHasEvery()) {
      if (Date.now() - takeoverStarted > 60_000) throw new Error('Timed out waiting for the second dispatcher taking over every endpoint')
      await ticketWithActivity(service)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const log = (await service.events({ limit: 1000 })).result
    const delivered = () => new Set(receiver.accepted.map((call) => `${call.headers['x-endpoint']} ${call.headers['webhook-id']}`))
    await eventually(
      () => endpoints.every((endpoint) => log.every((event) => delivered().has(`${endpoint.id} ${event.id}`))),
      'every event to every endpoint',
      60_000,
    )
    one.abort()
    two.abort()
    await Promise.all([runningOne, runningTwo])
    await receiver.close()
    await service.close()

    expect(new Set(intervals.map((interval) => interval.dispatcher))).toEqual(new Set(['one', 'two']))
    for (const endpoint of endpoints) {
      const mine = intervals.filter((interval) => interval.endpoint === endpoint.id)
      for (const first of mine) {
        for (const second of mine) {
          if (first.dispatcher === second.dispatcher) continue
          const overlap = first.start < second.end && second.start < first.end
          expect(overlap, `${first.dispatcher} and ${second.dispatcher} both delivering ${endpoint.id}`).toBe(false)
        }
      }
    }
  })
})
