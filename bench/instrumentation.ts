/**
 * What the `instrumentation` option costs: the same command mix through `execute` on the
 * memory store (the store that leaves the most of the time to the service, so any
 * overhead shows most), with no option (the baseline), with the option given but empty,
 * with `@opentelemetry/api`'s tracer and meter while no SDK is registered (what a library
 * user whose application never set up OpenTelemetry pays), and with the SDK recording
 * every span into memory and every counter into a reader. The variants take turns over
 * several rounds and the best round of each counts, so drift on a shared machine falls on
 * all of them alike.
 */

import { metrics, trace } from '@opentelemetry/api'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createIdFactory, createTicketService, type ServiceInstrumentation, type Ticket } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { createCommand, nextCommand } from './command-mix.js'
import type { BenchRow, BenchSection } from './report.js'

const TICKETS = 50
const COMMANDS = 10_000
const ROUNDS = 7

const ticketId = (n: number): string => `2d5c2f4e-3c1a-4d7e-9f10-${n.toString(16).padStart(12, '0')}`

/** Runs the mix round-robin over `TICKETS` tickets; returns commands/s. */
async function commandsPerSecond(instrumentation: ServiceInstrumentation | undefined): Promise<number> {
  const tickets = createTicketService({
    store: memoryStore(),
    ctx: { newId: createIdFactory() },
    ...(instrumentation === undefined ? {} : { instrumentation }),
  })
  const states = new Map<string, Ticket>()
  const start = performance.now()
  for (let step = 0; step < COMMANDS; step++) {
    const id = ticketId(step % TICKETS)
    const state = states.get(id)
    const command = state === undefined ? { ...createCommand, ticketId: id } : nextCommand(state, step)
    states.set(id, (await tickets.execute(id, command)).state)
  }
  const seconds = (performance.now() - start) / 1000
  await tickets.close()
  return COMMANDS / seconds
}

/** An SDK tracer and meter recording into memory, emptied between rounds. */
function recordingSdk(): { instrumentation: ServiceInstrumentation; reset(): void } {
  const exporter = new InMemorySpanExporter()
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('bench')
  const meter = new MeterProvider().getMeter('bench')
  return { instrumentation: { tracer, meter }, reset: () => exporter.reset() }
}

export const benchInstrumentation: BenchSection = async () => {
  const sdk = recordingSdk()
  const variants: Record<string, () => ServiceInstrumentation | undefined> = {
    none: () => undefined,
    empty: () => ({}),
    hooks: () => ({ onRetry: () => undefined, onAppend: () => undefined }),
    api: () => ({ tracer: trace.getTracer('bench'), meter: metrics.getMeter('bench') }),
    sdk: () => {
      sdk.reset()
      return sdk.instrumentation
    },
  }
  // Warm up every path once, so the JIT has seen them all before anything is measured.
  for (const make of Object.values(variants)) await commandsPerSecond(make())
  const best: Record<string, number> = {}
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, make] of Object.entries(variants)) best[name] = Math.max(best[name] ?? 0, await commandsPerSecond(make()))
  }
  const baseline = { name: 'no instrumentation option', value: best['none'] as number }
  const mix = `${COMMANDS.toLocaleString('en-US')} commands over ${TICKETS} tickets`
  const rows: BenchRow[] = [
    {
      name: `memory execute, ${mix}, \`instrumentation: {}\``,
      value: best['empty'] as number,
      unit: 'commands/s',
      baseline,
      target: '>= 0.97x',
    },
    { name: `memory execute, ${mix}, onRetry + onAppend hooks`, value: best['hooks'] as number, unit: 'commands/s', baseline },
    {
      name: `memory execute, ${mix}, @opentelemetry/api tracer + meter, no SDK registered`,
      value: best['api'] as number,
      unit: 'commands/s',
      baseline,
    },
    {
      name: `memory execute, ${mix}, SDK tracer (in-memory exporter) + SDK meter`,
      value: best['sdk'] as number,
      unit: 'commands/s',
      baseline,
    },
  ]
  return rows
}
