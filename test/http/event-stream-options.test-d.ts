/**
 * The live stream's settings are typed: a misspelled or mistyped setting is a compile
 * error (the handler still validates them at runtime, test/http/system-events-stream.test.ts).
 */
import { describe, expectTypeOf, it } from 'vitest'
import { createTicketHandler, EVENT_STREAM_DEFAULTS, type EventStreamOptions } from '../../src/http/index.js'
import type { TicketService } from '../../src/index.js'

declare const service: TicketService

describe('eventStream options', () => {
  it('takes the four settings, each a number, and refuses anything else', () => {
    createTicketHandler({
      service,
      authenticate: () => null,
      eventStream: { heartbeatMs: 20, pollIntervalMs: 10, retryMs: 0, maxBacklog: 5 },
    })
    // @ts-expect-error `heartbeatInterval` is not a setting (it is heartbeatMs)
    createTicketHandler({ service, authenticate: () => null, eventStream: { heartbeatInterval: 20 } })
    // @ts-expect-error a setting is a number of milliseconds, not a string
    createTicketHandler({ service, authenticate: () => null, eventStream: { pollIntervalMs: '1s' } })
    expectTypeOf(EVENT_STREAM_DEFAULTS).toEqualTypeOf<Readonly<Required<EventStreamOptions>>>()
  })
})
