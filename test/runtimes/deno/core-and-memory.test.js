// The core, the ticket service on the memory store, webhook payloads, signatures, the
// dispatcher and the receiver, and the HTTP handler under Deno, run
// by test/runtimes/runtimes.test.ts as `deno test` with no permissions at all. It imports
// the package as built for the runtime tests (.tmp/runtime-build).
import assert from 'node:assert/strict'
import { createTicketHandler } from '../../../.tmp/runtime-build/http/index.js'
import { createTicketService, handle, isTicketError, replay } from '../../../.tmp/runtime-build/index.js'
import { memoryStore } from '../../../.tmp/runtime-build/memory/index.js'
import {
  createWebhookDispatcher,
  createWebhookReceiver,
  generateWebhookSecret,
  memoryDedupeStore,
  memoryDeliveryStore,
  signWebhook,
  toWebhook,
  verifyWebhook,
} from '../../../.tmp/runtime-build/webhooks/index.js'

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const AGENT = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const TAG = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

const create = (ticketId = TICKET) => ({
  type: 'create',
  ticketId,
  workspaceId: WORKSPACE,
  chatId: crypto.randomUUID(),
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
})

/** A clock that moves one second per call, so every event has its own instant. */
function steppingClock() {
  let time = Date.parse('2024-05-01T09:00:00.000Z')
  return () => {
    time += 1000
    return new Date(time)
  }
}

Deno.test('the test runs without env, read, write or net permission', () => {
  for (const name of ['env', 'read', 'write', 'net', 'run', 'ffi', 'sys']) {
    assert.notEqual(Deno.permissions.querySync({ name }).state, 'granted', `${name} permission is granted`)
  }
})

Deno.test('without env permission the library runs as in production: returned states are not frozen', () => {
  const { state } = handle(null, create())
  assert.equal(Object.isFrozen(state), false)
})

Deno.test("handle folds a ticket's life and replay rebuilds the same state from its events", () => {
  const ctx = { now: steppingClock() }
  const created = handle(null, create(), ctx)
  const takenOver = handle(created.state, { type: 'takeover', assigneeId: AGENT }, ctx)
  assert.deepEqual(
    takenOver.events.map((event) => event.type),
    ['ticket:updated', 'ticket:status:changed', 'ticket:assigned'],
  )
  assert.deepEqual(
    takenOver.audit?.events.map((event) => [event.type, event.field_name, event.value]),
    [
      ['Change', 'status', 'ongoing'],
      ['Change', 'assignee_id', AGENT],
    ],
  )
  const tagged = handle(takenOver.state, { type: 'tag', tagId: TAG }, ctx)
  const completed = handle(tagged.state, { type: 'complete', userId: AGENT }, ctx)
  const events = [created, takenOver, tagged, completed].flatMap((result) => result.events)
  assert.deepEqual(replay(events), completed.state)
  assert.equal(completed.state.status, 'completed')
  assert.equal(completed.state.version, events.length)
})

Deno.test('a malformed command is a VALIDATION TicketError with the issue path', () => {
  const { state } = handle(null, create())
  assert.throws(
    () => handle(state, { type: 'takeover', assigneeId: 'not-a-uuid' }),
    (error) => isTicketError(error) && error.code === 'VALIDATION' && error.issues.some((issue) => issue.path.includes('assigneeId')),
  )
})

Deno.test('the service on the memory store executes, loads, lists and pages the log', async () => {
  const tickets = createTicketService({ store: memoryStore() })
  const second = crypto.randomUUID()
  await tickets.execute(TICKET, create())
  await tickets.execute(second, create(second))
  const { events } = await tickets.execute(TICKET, { type: 'takeover', assigneeId: AGENT })

  assert.equal((await tickets.load(TICKET))?.status, 'ongoing')
  assert.deepEqual(
    (await tickets.list({ workspaceId: WORKSPACE, status: 'pending' })).result.map((ticket) => ticket.id),
    [second],
  )

  const all = (await tickets.events({ workspaceId: WORKSPACE, limit: 100 })).result
  assert.equal(all.length, 2 + events.length)
  const firstPage = await tickets.events({ workspaceId: WORKSPACE, limit: 2 })
  const rest = await tickets.events({ workspaceId: WORKSPACE, afterId: firstPage.result.at(-1)?.id, limit: 100 })
  assert.deepEqual([...firstPage.result, ...rest.result], all)
  await tickets.close()
})

Deno.test('the service answers a repeated commandId with the first result and appends nothing', async () => {
  const tickets = createTicketService({ store: memoryStore() })
  await tickets.execute(TICKET, create())
  const command = { type: 'tag', tagId: TAG, meta: { commandId: 'tag-once' } }
  const first = await tickets.execute(TICKET, command)
  const logBefore = (await tickets.events({ workspaceId: WORKSPACE, limit: 100 })).result
  const again = await tickets.execute(TICKET, command)
  assert.deepEqual(again, first)
  assert.deepEqual((await tickets.events({ workspaceId: WORKSPACE, limit: 100 })).result, logBefore)
  await tickets.close()
})

Deno.test('concurrent commands on one ticket all land, with contiguous versions', async () => {
  const tickets = createTicketService({ store: memoryStore() })
  await tickets.execute(TICKET, create())
  const tags = Array.from({ length: 10 }, () => crypto.randomUUID())
  await Promise.all(tags.map((tagId) => tickets.execute(TICKET, { type: 'tag', tagId })))
  const state = await tickets.load(TICKET)
  assert.deepEqual([...(state?.tags ?? [])].sort(), [...tags].sort())
  const versions = (await tickets.events({ workspaceId: WORKSPACE, limit: 100 })).result.map((event) => event.version)
  assert.deepEqual(
    versions,
    versions.map((_, index) => index + 1),
  )
  await tickets.close()
})

Deno.test('the HTTP handler serves the ticket API from Web-standard Requests', async () => {
  const service = createTicketService({ store: memoryStore() })
  const handler = createTicketHandler({ service, authenticate: (key) => (key === 'secret' ? { workspaceId: WORKSPACE } : null) })
  const headers = { authorization: 'secret', 'content-type': 'application/json' }
  const created = await handler(
    new Request('http://localhost/api/v1/tickets', {
      method: 'POST',
      headers,
      body: JSON.stringify({ chatId: crypto.randomUUID(), ticketingTeamId: null, assigneeId: null, status: 'pending' }),
    }),
  )
  assert.equal(created.status, 200)
  const { id } = await created.json()
  const details = await handler(new Request(`http://localhost/api/v1/tickets/${id}/details`, { headers }))
  assert.equal((await details.json()).status, 'pending')
  const refused = await handler(new Request(`http://localhost/api/v1/tickets/${id}/details`, { headers: { authorization: 'wrong' } }))
  assert.equal(refused.status, 401)
  await service.close()
})

/** Reads a Server-Sent Events body until `count` events (`id:` lines) have come; returns their data. */
async function readEvents(body, count) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const events = () => text.split('\n\n').filter((block) => block.startsWith('id: '))
  while (events().length < count) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  await reader.cancel()
  return events().map((block) => JSON.parse(block.split('\ndata: ')[1]))
}

Deno.test('the HTTP handler streams the log as Server-Sent Events to two clients from one poller', async () => {
  const service = createTicketService({ store: memoryStore() })
  const handler = createTicketHandler({
    service,
    authenticate: (key) => (key === 'secret' ? { workspaceId: WORKSPACE } : null),
    eventStream: { pollIntervalMs: 5 },
  })
  const headers = { authorization: 'secret' }
  const all = await handler(new Request('http://localhost/v2/system/events/stream', { headers }))
  const created = await handler(new Request('http://localhost/v2/system/events/stream?type=ticket:created', { headers }))
  assert.equal(all.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  await service.execute(crypto.randomUUID(), {
    type: 'create',
    workspaceId: WORKSPACE,
    chatId: crypto.randomUUID(),
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
  })
  const [first] = await readEvents(created.body, 1)
  assert.equal(first.type, 'ticket:created')
  assert.equal((await readEvents(all.body, 1))[0].id, first.id)
  const limited = await handler(new Request('http://localhost/v2/system/events/stream?limit=5', { headers }))
  assert.equal(limited.status, 400)
  await limited.body?.cancel()
  await service.close()
})

Deno.test('a webhook payload is rendered, signed and verified with Web Crypto', async () => {
  const created = handle(null, create())
  const [event] = created.events
  const payload = toWebhook(event, { ticket: created.state })
  assert.equal(payload.eventId, event.id)
  const body = JSON.stringify(payload)
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const headers = await signWebhook({ id: payload.eventId, body, secret })
  assert.deepEqual(await verifyWebhook({ headers, body, secret }), { id: payload.eventId, timestamp: Number(headers['webhook-timestamp']) })
  await assert.rejects(verifyWebhook({ headers, body: body.replace('pending', 'ongoing'), secret }))
})

Deno.test('the webhook dispatcher delivers the log to a receiver, in order, with no network', async () => {
  const service = createTicketService({ store: memoryStore() })
  await service.execute(TICKET, create())
  await service.execute(TICKET, { type: 'takeover', assigneeId: AGENT })
  const log = (await service.events({ limit: 100 })).result
  const secret = generateWebhookSecret()
  const received = []
  const receive = createWebhookReceiver({ secret, store: memoryDedupeStore(), handler: (delivery) => void received.push(delivery.eventId) })
  let delivered = 0
  let done = () => {}
  const all = new Promise((resolve) => {
    done = resolve
  })
  const dispatcher = createWebhookDispatcher({
    service,
    store: memoryDeliveryStore(),
    endpoints: [{ id: 'in-process', url: 'https://receiver.example/hooks', secret }],
    // No network permission: the receiver is called in process, through Web-standard Requests.
    fetch: (url, init) => receive(new Request(url, init)),
    pollIntervalMs: 10,
    onDelivery: ({ status }) => {
      assert.equal(status, 202)
      if (++delivered === log.length) done()
    },
  })
  const controller = new AbortController()
  const running = dispatcher.run(controller.signal)
  await all
  controller.abort()
  await running
  await receive.settled()
  assert.deepEqual(
    received,
    log.map((event) => event.id),
  )
  await service.close()
})
