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

export default {
  async test(_controller, env) {
    const call = (path, init = {}) =>
      env.example.fetch(`https://tickets.example${path}`, {
        ...init,
        headers: { authorization: API_KEY, 'content-type': 'application/json', ...init.headers },
      })

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

    const problem = await json(
      await call(`/api/v1/tickets/${record.id}/takeover`, { method: 'PATCH', body: JSON.stringify({ assigneeId: agent }) }),
      409,
      'a second takeover',
    )
    check(problem.code === 'INVALID_TRANSITION', `a second takeover is INVALID_TRANSITION, got ${JSON.stringify(problem)}`)

    const refused = await call('/api/v1/tickets/details', { headers: { authorization: 'not-a-key' } })
    check(refused.status === 401, `an unknown key is refused with 401, got ${refused.status}`)
    console.log('serverless example under workerd: create, takeover, details, events, 409 and 401 answered as expected')
  },
}
