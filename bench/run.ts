/**
 * `npm run bench`: every benchmark section, each reporting ratios against a baseline
 * measured in the same run. Pass section names to run only some: `npm run bench -- core sqlite`.
 */
import { benchAudits } from './audits.js'
import { benchCore } from './core.js'
import { benchHttp } from './http.js'
import { benchInstrumentation } from './instrumentation.js'
import { benchNats } from './nats.js'
import { benchPostgres } from './postgres.js'
import { type BenchSection, formatRows } from './report.js'
import { benchMemoryService } from './service-memory.js'
import { benchSize } from './size.js'
import { benchSqlite } from './sqlite.js'
import { benchSqliteCosts } from './sqlite-costs.js'
import { benchTimeTravel } from './time-travel.js'
import { benchWebhooks } from './webhooks.js'

const sections: Record<string, BenchSection> = {
  core: benchCore,
  'service-memory': benchMemoryService,
  instrumentation: benchInstrumentation,
  http: benchHttp,
  sqlite: benchSqlite,
  'sqlite-costs': benchSqliteCosts,
  postgres: benchPostgres,
  'time-travel': benchTimeTravel,
  nats: benchNats,
  webhooks: benchWebhooks,
  audits: benchAudits,
  size: benchSize,
}

const wanted = process.argv.slice(2)
console.log(`# ticket-events bench — node ${process.version}, ${new Date().toISOString()}\n`)
for (const [name, section] of Object.entries(sections)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  const rows = await section()
  console.log(`${formatRows(name, rows)}\n`)
}
