/**
 * `node --cpu-prof --import tsx bench/profile-handle.ts`: runs only the `handle` loop of
 * the core bench (the realistic command mix), long enough for a CPU profile to show
 * where a command's time goes. Prints commands/s. Pass `--freeze` or `--no-freeze` to
 * override the development/production default.
 */
import { type Command, createIdFactory, handle } from 'ticket-events'
import { createCommand, nextCommand } from './command-mix.js'

const COMMANDS = 200_000
const ROUNDS = 5
const freeze = process.argv.includes('--freeze') ? true : process.argv.includes('--no-freeze') ? false : undefined

const context = () => {
  let issued = 0
  const base = Date.parse('2024-01-01T00:00:00Z')
  const newId = createIdFactory({ now: () => base + Math.floor(issued++ / 64), random: () => 0.5 })
  return freeze === undefined ? { newId } : { newId, freeze }
}
const commands: Command[] = []
const recordingCtx = context()
let recorded = handle(null, createCommand, recordingCtx).state
for (let step = 0; step < COMMANDS; step++) {
  const command = nextCommand(recorded, step)
  commands.push(command)
  recorded = handle(recorded, command, recordingCtx).state
}
for (let round = 0; round < ROUNDS; round++) {
  const ctx = context()
  const start = performance.now()
  let current = handle(null, createCommand, ctx).state
  for (const command of commands) current = handle(current, command, ctx).state
  console.log(`round ${round + 1}: ${Math.round(COMMANDS / ((performance.now() - start) / 1000)).toLocaleString('en-US')} commands/s`)
}
