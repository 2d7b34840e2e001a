// Drives examples/serverless (the ticket API as a `fetch` export) under workerd through
// a service binding; `workerd test` runs the `test` handler and fails on a throw.
// Each check throws with what it expected and what came back.

const API_KEY = 'demo-key-acme'
const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

function check(condition, message) {
  if (!condition) throw new Error(message)
}

async function json(response, expectedStatus, what) {
  const body = await response.text()
  check(response.status === expectedStatus, `${what}: expected status ${expectedStatus}, got ${response.status}: ${body}`)
  return JSON.parse(body)
}

/** Reads a Server-Sent Events body until `count` events have come, then cancels it; returns their data. */
async function firstEvents(body, count) {
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

export default {
  async test(_controller, env) {
    const call = (path, init = {}) =>
      env.example.fetch(`https://tickets.example${path}`, {
        ...init,
        headers: { authorization: API_KEY, 'content-type': 'application/json', ...init.headers },
      })

    // Two live streams (two requests) served by the one poller, which a third request wakes.
    const streams = await Promise.all([call('/v2/system/events/stream'), call('/v2/system/events/stream?type=ticket:created')])
    for (const stream of streams) {
      if (stream.status !== 200) check(false, `GET /v2/system/events/stream: expected 200, got ${stream.status}: ${await stream.text()}`)
    }

    const record = await json(
      await call('/api/v1/tickets', {
        method: 'POST',
        body: JSON.stringify({ chatId: crypto.randomUUID(), ticketingTeamId: null, assigneeId: null, status: 'pending' }),
      }),
      200,
      'POST /api/v1/tickets',
    )
    check(record.status === 'pending', `a new ticket is pending, got ${record.status}`)

    const agent = crypto.randomUUID()
    const takenOver = await json(
      await call(`/api/v1/tickets/${record.id}/takeover`, { method: 'PATCH', body: JSON.stringify({ assigneeId: agent }) }),
      200,
      'PATCH takeover',
    )
    check(takenOver.status === 'ongoing' && takenOver.assigneeId === agent, `takeover: ${JSON.stringify(takenOver)}`)

    const details = await json(await call(`/api/v1/tickets/${record.id}/details`), 200, 'GET details')
    check(details.workspaceId === WORKSPACE, `details are of the key's workspace, got ${details.workspaceId}`)

    const log = await json(await call('/v2/system/events?limit=10'), 200, 'GET /v2/system/events')
    const types = log.result.map((event) => event.type).join(', ')
    check(
      types === 'ticket:created, ticket:updated, ticket:status:changed, ticket:assigned',
      `the events API lists the ticket's events in order, got: ${types}`,
    )

    for (const [index, stream] of streams.entries()) {
      const [event] = await firstEvents(stream.body, 1)
      check(event?.type === 'ticket:created', `stream ${index} sends the new ticket's first event live, got ${JSON.stringify(event)}`)
    }
    const limited = await call('/v2/system/events/stream?limit=5')
    check(limited.status === 400, `a stream refuses limit with 400, got ${limited.status}`)

    const problem = await json(
      await call(`/api/v1/tickets/${record.id}/takeover`, { method: 'PATCH', body: JSON.stringify({ assigneeId: agent }) }),
      409,
      'a second takeover',
    )
    check(problem.code === 'INVALID_TRANSITION', `a second takeover is INVALID_TRANSITION, got ${JSON.stringify(problem)}`)

    const refused = await call('/api/v1/tickets/details', { headers: { authorization: 'not-a-key' } })
    check(refused.status === 401, `an unknown key is refused with 401, got ${refused.status}`)
    console.log('serverless example under workerd: create, takeover, details, events, two live streams, 409 and 401 answered as expected')
  },
}
