import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTicketError } from '../../src/index.js'
import { DEFAULT_DUPLICATE_WINDOW_MS, type EnsureTicketStreamOptions, ensureTicketStream } from '../../src/nats/index.js'
import { createNatsTestServer, NATS_SKIP_REASON, uniqueName } from '../support/nats.js'

if (NATS_SKIP_REASON) console.warn(NATS_SKIP_REASON)

describe.skipIf(NATS_SKIP_REASON !== undefined)('ensureTicketStream', () => {
  const server = createNatsTestServer()
  let nats: NatsConnection
  const created: string[] = []
  beforeAll(async () => {
    nats = await server.connect()
  })
  afterAll(async () => {
    const manager = await jetstreamManager(nats)
    for (const stream of created) await manager.streams.delete(stream).catch(() => false)
    await server.dispose()
  })

  const fresh = () => {
    const stream = uniqueName('ensure').toUpperCase()
    created.push(stream)
    return { stream, subjectPrefix: uniqueName('tickets') }
  }

  it('creates a stream capturing <prefix>.> with the duplicate window, then leaves it as it is', async () => {
    const { stream, subjectPrefix } = fresh()
    const first = await ensureTicketStream({ nats, stream, subjectPrefix, storage: 'memory' })
    expect(first).toEqual({
      created: true,
      updated: false,
      subjects: [`${subjectPrefix}.>`],
      duplicateWindowMs: DEFAULT_DUPLICATE_WINDOW_MS,
    })
    const info = await (await jetstreamManager(nats)).streams.info(stream)
    expect(info.config).toMatchObject({ storage: 'memory', duplicate_window: DEFAULT_DUPLICATE_WINDOW_MS * 1_000_000 })
    expect(await ensureTicketStream({ nats, stream, subjectPrefix, storage: 'memory' })).toMatchObject({ created: false, updated: false })
  })

  it('brings an existing stream up to the subject and duplicate window asked for, keeping its other subjects', async () => {
    const { stream, subjectPrefix } = fresh()
    const manager = await jetstreamManager(nats)
    await manager.streams.add({ name: stream, subjects: [`${subjectPrefix}_other.>`], storage: 'memory', duplicate_window: 60_000_000_000 })
    const result = await ensureTicketStream({ nats, stream, subjectPrefix, duplicateWindowMs: 600_000 })
    expect(result).toEqual({
      created: false,
      updated: true,
      subjects: [`${subjectPrefix}_other.>`, `${subjectPrefix}.>`],
      duplicateWindowMs: 600_000,
    })
    expect((await manager.streams.info(stream)).config.duplicate_window).toBe(600_000 * 1_000_000)
  })

  it('refuses a duplicate window longer than the stream keeps messages', async () => {
    const { stream, subjectPrefix } = fresh()
    const manager = await jetstreamManager(nats)
    await manager.streams.add({
      name: stream,
      subjects: [`${subjectPrefix}.>`],
      storage: 'memory',
      max_age: 60_000_000_000,
      duplicate_window: 60_000_000_000,
    })
    await expect(ensureTicketStream({ nats, stream, subjectPrefix, duplicateWindowMs: 3_600_000 })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['duplicateWindowMs'] })],
    })
  })

  it('refuses malformed options with VALIDATION naming each path', async () => {
    const cases: [Partial<EnsureTicketStreamOptions>, string][] = [
      [{ stream: 'A B' }, 'stream'],
      [{ duplicateWindowMs: 10 }, 'duplicateWindowMs'],
      [{ maxAgeMs: 2000, duplicateWindowMs: 5000 }, 'maxAgeMs'],
      [{ replicas: 7 }, 'replicas'],
      [{ subjectPrefix: '' }, 'subjectPrefix'],
    ]
    for (const [override, path] of cases) {
      // A name of this test's own, so a case that wrongly passed validation could touch no one else's stream.
      const error = await ensureTicketStream({ nats, ...fresh(), ...override }).then(
        () => undefined,
        (reason: unknown) => reason,
      )
      expect(isTicketError(error) && error.code === 'VALIDATION', JSON.stringify(override)).toBe(true)
      expect(isTicketError(error) && error.issues.map((issue) => issue.path.join('.'))).toContain(path)
    }
  })

  it('fails with a non-retryable UNAVAILABLE on a closed connection', async () => {
    const closed = await server.connect()
    await closed.close()
    await expect(ensureTicketStream({ nats: closed, stream: fresh().stream })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: false,
    })
  })
})
