/**
 * `NODE_ENV=production node --cpu-prof --import tsx bench/profile-sqlite.ts [commands]`:
 * runs the SQLite bench's command mix through the service on a fresh file, long enough
 * for a CPU profile to show where a command's time goes. Prints commands/s per round.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createIdFactory, createTicketService } from 'ticket-events'
import { sqliteStore } from 'ticket-events/sqlite'
import { runCommandMix } from './store-workload.js'

const COMMANDS = Number(process.argv[2] ?? 20_000)
const ROUNDS = 3
const directory = mkdtempSync(join(tmpdir(), 'ticket-events-profile-sqlite-'))
try {
  for (let round = 0; round < ROUNDS; round++) {
    const tickets = createTicketService({
      store: sqliteStore({ filename: join(directory, `${round}.db`) }),
      ctx: { newId: createIdFactory() },
    })
    const seconds = await runCommandMix(tickets, COMMANDS, 50)
    await tickets.close()
    console.log(`round ${round + 1}: ${Math.round(COMMANDS / seconds).toLocaleString('en-US')} commands/s`)
  }
} finally {
  rmSync(directory, { recursive: true, force: true })
}
