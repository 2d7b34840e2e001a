import { describe, expect, it } from 'vitest'
import {
  createWebhookReceiver,
  generateWebhookSecret,
  memoryDedupeStore,
  type ReceiverFailure,
  signWebhook,
  type WebhookReceiverOptions,
} from '../../src/webhooks/index.js'

const secret = generateWebhookSecret()
const EVENT = '01JAAAAAAAAAAAAAAAAAAAAAAA'
const OTHER_EVENT = '01JBBBBBBBBBBBBBBBBBBBBBBB'

interface Delivery {
  readonly eventId: string
  readonly type: string
}

async function signedRequest(eventId: string, options: { id?: string; secret?: string } = {}): Promise<Request> {
  const body = JSON.stringify({ eventId, type: 'ticket:created', timestamp: new Date().toISOString(), payload: {} })
  const headers = await signWebhook({ id: options.id ?? eventId, body, secret: options.secret ?? secret })
  return new Request('http://localhost/hooks', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

function receiverWith(overrides: Partial<WebhookReceiverOptions<Delivery>> = {}) {
  return createWebhookReceiver<Delivery>({
    secret,
    store: memoryDedupeStore(),
    handler: () => {},
    retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
    ...overrides,
  })
}

describe('createWebhookReceiver', () => {
  it('answers 202 before the handler has finished, and hands the work to waitUntil', async () => {
    const gate = deferred()
    const handled: string[] = []
    const receive = receiverWith({
      handler: async (delivery) => {
        await gate.promise
        handled.push(delivery.eventId)
      },
    })
    const kept: Promise<unknown>[] = []
    const response = await receive(await signedRequest(EVENT), { waitUntil: (promise) => kept.push(promise) })
    expect(response.status).toBe(202)
    expect(handled).toEqual([])
    expect(kept).toHaveLength(1)
    gate.resolve()
    await kept[0]
    expect(handled).toEqual([EVENT])
  })

  it('answers 200 for a processed event and 409 while it is still being processed', async () => {
    const gate = deferred()
    const store = memoryDedupeStore()
    let runs = 0
    const receive = receiverWith({
      store,
      handler: async () => {
        runs++
        await gate.promise
      },
    })
    expect((await receive(await signedRequest(EVENT))).status).toBe(202)
    expect((await receive(await signedRequest(EVENT))).status).toBe(409)
    gate.resolve()
    await receive.settled()
    const duplicate = await receive(await signedRequest(EVENT))
    expect(duplicate.status).toBe(200)
    expect(await duplicate.json()).toEqual({ status: 'duplicate' })
    expect(runs).toBe(1)
  })

  it('refuses what does not verify or is not a delivery, and runs nothing', async () => {
    let runs = 0
    const receive = receiverWith({
      handler: () => {
        runs++
      },
    })
    const forged = await receive(await signedRequest(EVENT, { secret: generateWebhookSecret() }))
    expect(forged.status).toBe(401)
    expect(await forged.json()).toEqual({ error: 'no_matching_signature' })
    expect((await receive(await signedRequest(EVENT, { id: OTHER_EVENT }))).status).toBe(400)
    expect((await receive(new Request('http://localhost/hooks'))).status).toBe(405)
    await receive.settled()
    expect(runs).toBe(0)
  })

  it('retries a failing handler in process, then completes', async () => {
    const failures: ReceiverFailure[] = []
    let attempts = 0
    const receive = receiverWith({
      handler: () => {
        attempts++
        if (attempts < 3) throw new Error('downstream busy')
      },
      onError: (_, failure) => failures.push(failure),
    })
    expect((await receive(await signedRequest(EVENT))).status).toBe(202)
    await receive.settled()
    expect(attempts).toBe(3)
    expect(failures.map(({ attempt, willRetry }) => ({ attempt, willRetry }))).toEqual([
      { attempt: 1, willRetry: true },
      { attempt: 2, willRetry: true },
    ])
    expect((await receive(await signedRequest(EVENT))).status).toBe(200)
  })

  it('hands a delivery that keeps failing to onDeadLetter, which parks it', async () => {
    const letters: { eventId: string; error: unknown }[] = []
    const receive = receiverWith({
      handler: () => {
        throw new Error('always')
      },
      onDeadLetter: (delivery, error) => {
        letters.push({ eventId: delivery.eventId, error })
      },
    })
    await receive(await signedRequest(EVENT))
    await receive.settled()
    expect(letters).toEqual([{ eventId: EVENT, error: new Error('always') }])
    expect((await receive(await signedRequest(EVENT))).status).toBe(200) // parked: processed
  })

  it('without onDeadLetter, releases the claim so a redelivery runs the handler again', async () => {
    let attempts = 0
    const receive = receiverWith({
      handler: () => {
        attempts++
        if (attempts <= 3) throw new Error('first delivery fails every attempt')
      },
    })
    await receive(await signedRequest(EVENT))
    await receive.settled()
    expect(attempts).toBe(3)
    expect((await receive(await signedRequest(EVENT))).status).toBe(202)
    await receive.settled()
    expect(attempts).toBe(4)
    expect((await receive(await signedRequest(EVENT))).status).toBe(200)
  })

  it('rejects malformed options with VALIDATION', () => {
    expect(() => receiverWith({ windowMs: 1000 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    expect(() => createWebhookReceiver({ secret, store: memoryDedupeStore(), handler: 'nope' as never })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    )
  })
})
