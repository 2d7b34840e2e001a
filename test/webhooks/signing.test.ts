import { describe, expect, it } from 'vitest'
import {
  generateWebhookSecret,
  isWebhookVerificationError,
  signWebhook,
  toWebhook,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookVerificationReason,
} from '../../src/webhooks/index.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'
import { ALICE, createCommand, find, run } from './support/tickets.js'

const NOW = new Date('2024-05-01T09:00:00.000Z')
const NOW_SECONDS = NOW.getTime() / 1000
const now = () => NOW

async function refusal(input: VerifyWebhookInput): Promise<WebhookVerificationReason> {
  const error = await rejection(verifyWebhook(input))
  expect(isWebhookVerificationError(error)).toBe(true)
  expect(error.code).toBe('VALIDATION')
  return isWebhookVerificationError(error) ? error.reason : ('' as never)
}

/** A real delivery: a ticket:status:changed event rendered by toWebhook. */
function delivery() {
  const { steps } = run(createCommand(), { type: 'takeover', assigneeId: ALICE })
  const { step, event } = find(steps, 'ticket:status:changed')
  return { id: event.id, body: JSON.stringify(toWebhook(event, { ticket: step.after, previousTicket: step.before })) }
}

describe('signWebhook and verifyWebhook', () => {
  it('reproduces the published Standard Webhooks test vector', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const headers = await signWebhook({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}', secret })
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
    const verified = await verifyWebhook({
      headers,
      body: '{"test": 2432232314}',
      secret,
      now: () => new Date(1614265330 * 1000),
    })
    expect(verified).toEqual({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330 })
  })

  it('round-trips a real ticket delivery with a generated secret', async () => {
    const { id, body } = delivery()
    const secret = generateWebhookSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const headers = await signWebhook({ id, timestamp: NOW, body, secret })
    expect(headers).toMatchObject({ 'webhook-id': id, 'webhook-timestamp': String(NOW_SECONDS) })
    await expect(verifyWebhook({ headers, body, secret, now })).resolves.toEqual({ id, timestamp: NOW_SECONDS })
  })

  it('accepts raw string and byte secrets, and bodies as bytes', async () => {
    const { id, body } = delivery()
    const bytes = new TextEncoder().encode(body)
    for (const secret of ['a plain shared secret', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])]) {
      const headers = await signWebhook({ id, timestamp: NOW_SECONDS, body, secret })
      await expect(verifyWebhook({ headers, body: bytes, secret, now })).resolves.toMatchObject({ id })
      await expect(verifyWebhook({ headers, body: bytes.buffer, secret, now })).resolves.toMatchObject({ id })
    }
  })

  it('reads Web Headers and plain header records in any capitalisation', async () => {
    const { id, body } = delivery()
    const secret = generateWebhookSecret()
    const signed = await signWebhook({ id, timestamp: NOW, body, secret })
    await expect(verifyWebhook({ headers: new Headers(signed), body, secret, now })).resolves.toMatchObject({ id })
    const shouting = {
      'Webhook-Id': signed['webhook-id'],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'Webhook-Signature': [signed['webhook-signature']],
    }
    await expect(verifyWebhook({ headers: shouting, body, secret, now })).resolves.toMatchObject({ id })
  })

  it('rejects a tampered body, id, timestamp or signature', async () => {
    const { id, body } = delivery()
    const secret = generateWebhookSecret()
    const headers = await signWebhook({ id, timestamp: NOW, body, secret })
    const tampered = body.replace('"ongoing"', '"completed"')
    expect(tampered).not.toBe(body)
    expect(await refusal({ headers, body: tampered, secret, now })).toBe('no_matching_signature')
    expect(await refusal({ headers: { ...headers, 'webhook-id': `${id}X` }, body, secret, now })).toBe('no_matching_signature')
    const shifted = { ...headers, 'webhook-timestamp': String(NOW_SECONDS + 1) }
    expect(await refusal({ headers: shifted, body, secret, now })).toBe('no_matching_signature')
    const signature = headers['webhook-signature']
    const flipped = signature.slice(0, 5) + (signature[5] === 'A' ? 'B' : 'A') + signature.slice(6)
    expect(await refusal({ headers: { ...headers, 'webhook-signature': flipped }, body, secret, now })).toBe('no_matching_signature')
    expect(await refusal({ headers, body, secret: generateWebhookSecret(), now })).toBe('no_matching_signature')
  })

  it('rejects timestamps beyond the tolerance in the past and the future, and accepts them at the edge', async () => {
    const { id, body } = delivery()
    const secret = generateWebhookSecret()
    const at = async (offset: number) => signWebhook({ id, timestamp: NOW_SECONDS + offset, body, secret })
    expect(await refusal({ headers: await at(-301), body, secret, now })).toBe('timestamp_too_old')
    expect(await refusal({ headers: await at(301), body, secret, now })).toBe('timestamp_too_new')
    await expect(verifyWebhook({ headers: await at(-300), body, secret, now })).resolves.toMatchObject({ id })
    await expect(verifyWebhook({ headers: await at(300), body, secret, now })).resolves.toMatchObject({ id })
    const hourOld = await at(-3600)
    expect(await refusal({ headers: hourOld, body, secret, now, toleranceSeconds: 60 })).toBe('timestamp_too_old')
    await expect(verifyWebhook({ headers: hourOld, body, secret, now, toleranceSeconds: 3600 })).resolves.toMatchObject({ id })
  })

  it('supports key rotation: signs with every secret and accepts a signature by any of them', async () => {
    const { id, body } = delivery()
    const oldSecret = generateWebhookSecret()
    const newSecret = generateWebhookSecret()
    const both = await signWebhook({ id, timestamp: NOW, body, secret: [oldSecret, newSecret] })
    expect(both['webhook-signature'].split(' ')).toHaveLength(2)
    await expect(verifyWebhook({ headers: both, body, secret: newSecret, now })).resolves.toMatchObject({ id })
    await expect(verifyWebhook({ headers: both, body, secret: oldSecret, now })).resolves.toMatchObject({ id })

    const byOld = await signWebhook({ id, timestamp: NOW, body, secret: oldSecret })
    await expect(verifyWebhook({ headers: byOld, body, secret: [newSecret, oldSecret], now })).resolves.toMatchObject({ id })
    expect(await refusal({ headers: byOld, body, secret: [newSecret], now })).toBe('no_matching_signature')
  })

  it('skips signature versions it does not know and rejects a header with no v1 signature', async () => {
    const { id, body } = delivery()
    const secret = generateWebhookSecret()
    const headers = await signWebhook({ id, timestamp: NOW, body, secret })
    const mixed = { ...headers, 'webhook-signature': `v1a,c29tZXRoaW5n v1,bm9wZQ== ${headers['webhook-signature']}` }
    await expect(verifyWebhook({ headers: mixed, body, secret, now })).resolves.toMatchObject({ id })
    expect(await refusal({ headers: { ...headers, 'webhook-signature': 'v2,abc' }, body, secret, now })).toBe('malformed_header')
  })

  it('rejects missing and malformed headers', async () => {
    const { id, body } = delivery()
    const secret = generateWebhookSecret()
    const headers = await signWebhook({ id, timestamp: NOW, body, secret })
    const { 'webhook-id': _id, ...withoutId } = headers
    expect(await refusal({ headers: withoutId, body, secret, now })).toBe('missing_header')
    const { 'webhook-signature': _signature, ...unsigned } = headers
    expect(await refusal({ headers: unsigned, body, secret, now })).toBe('missing_header')
    expect(await refusal({ headers: { ...headers, 'webhook-timestamp': '2024-05-01T09:00:00Z' }, body, secret, now })).toBe(
      'malformed_header',
    )
  })

  it('reports bad arguments as VALIDATION errors that are not verification failures', async () => {
    const { id, body } = delivery()
    const headers = await signWebhook({ id, timestamp: NOW, body, secret: generateWebhookSecret() })
    const noSecret = await rejection(verifyWebhook({ headers, body, secret: '', now }))
    expect(noSecret.code).toBe('VALIDATION')
    expect(isWebhookVerificationError(noSecret)).toBe(false)
    expect(noSecret.issues[0]?.path).toEqual(['secret'])
    const badBase64 = await rejection(verifyWebhook({ headers, body, secret: 'whsec_***', now }))
    expect(badBase64.issues[0]?.path).toEqual(['secret'])
    const badTolerance = await rejection(verifyWebhook({ headers, body, secret: 'k', toleranceSeconds: -1 }))
    expect(badTolerance.issues[0]?.path).toEqual(['toleranceSeconds'])
    const badId = await rejection(signWebhook({ id: 'has space', body, secret: 'k' }))
    expect(badId.issues[0]?.path).toEqual(['id'])
    const badBody = await rejection(signWebhook({ id, body: { not: 'raw' } as unknown as string, secret: 'k' }))
    expect(badBody.issues[0]?.path).toEqual(['body'])
  })
})
