// The API report: one `etc/<entry>.api.md` per published entry, written by API Extractor
// from the built `.d.ts` files, and committed. `npm run api` rebuilds and rewrites them;
// CI runs this script without `--local` after the build, and it fails when a report
// differs from the committed one, so no export changes by accident.
//
// API Extractor analyses one entry point per run, so this runs it once per entry with a
// config object (no api-extractor.json per entry). tsup's `.d.ts` build splits the types
// that entries share into chunk files (`dist/ticket-error-<hash>.d.ts`, …) imported by
// relative path; API Extractor follows relative imports as part of the package, so each
// report shows every declaration its entry exposes, wherever tsup put it, and the chunk
// names (which change with every build) appear nowhere in a report.
import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const localBuild = process.argv.includes('--local')

/** Report name → the entry's built ESM declarations. Keep in step with `exports` in package.json. */
const ENTRIES = {
  'ticket-events': 'dist/index.d.ts',
  'ticket-events-schemas': 'dist/schemas/index.d.ts',
  'ticket-events-testing': 'dist/testing/index.d.ts',
  'ticket-events-testing-vitest': 'dist/testing/vitest/index.d.ts',
  'ticket-events-memory': 'dist/memory/index.d.ts',
  'ticket-events-sqlite': 'dist/sqlite/index.d.ts',
  'ticket-events-postgres': 'dist/postgres/index.d.ts',
  'ticket-events-migrations': 'dist/migrations/index.d.ts',
  'ticket-events-webhooks': 'dist/webhooks/index.d.ts',
  'ticket-events-http': 'dist/http/index.d.ts',
  'ticket-events-http-node': 'dist/http/node/index.d.ts',
  'ticket-events-nats': 'dist/nats/index.d.ts',
}

const exportedEntries = Object.keys(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).exports).filter(
  (key) => key !== './package.json',
)
if (exportedEntries.length !== Object.keys(ENTRIES).length) {
  throw new Error(
    `package.json exports ${exportedEntries.length} entries, scripts/api-report.mjs reports ${Object.keys(ENTRIES).length}: keep them in step`,
  )
}

mkdirSync(`${ROOT}.tmp/api-report`, { recursive: true })
if (localBuild) mkdirSync(`${ROOT}etc`, { recursive: true })
const changed = []
const problems = []
for (const [name, declarations] of Object.entries(ENTRIES)) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: `<projectFolder>/${declarations}`,
      // The declarations only: the project's tsconfig maps `ticket-events/*` to the sources.
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2022', 'DOM'],
            types: [],
            strict: true,
            exactOptionalPropertyTypes: true,
            // Declarations of optional peers (the NATS client) are checked under their own
            // settings, not ours; the project's own types are checked by \`npm run typecheck\`.
            skipLibCheck: true,
          },
          files: [`${ROOT}${declarations}`],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: name,
        reportFolder: '<projectFolder>/etc/',
        reportTempFolder: '<projectFolder>/.tmp/api-report/',
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The reports list what each entry exposes; release tags (@public, @beta) are not used here.
        extractorMessageReporting: {
          default: { logLevel: 'warning', addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-internal-missing-underscore': { logLevel: 'none' },
          // Undocumented members and links are TypeDoc's to check; listed here they would
          // name chunk files and line numbers, which change with every build.
          'ae-undocumented': { logLevel: 'none' },
          'ae-unresolved-link': { logLevel: 'none' },
          // The subpath entries use the root's types (Ticket, TicketEvent, …), which users
          // import from `ticket-events`; only the root must export every type it uses.
          ...(name === 'ticket-events' ? {} : { 'ae-forgotten-export': { logLevel: 'none' } }),
        },
        // TSDoc style is TypeDoc's job (`npx typedoc --emit none` fails on a warning).
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'error' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: `${ROOT}package.json`,
  })
  const result = Extractor.invoke(config, {
    localBuild,
    messageCallback: (message) => {
      // Everything API Extractor finds goes into the report itself, where a reviewer sees it.
      if (message.logLevel !== 'error') message.handled = true
    },
  })
  if (result.errorCount > 0) problems.push(`${name}: ${result.errorCount} error(s)`)
  if (result.apiReportChanged) changed.push(`etc/${name}.api.md`)
}

if (problems.length > 0) {
  console.error(`API Extractor failed:\n${problems.join('\n')}`)
  process.exit(1)
}
if (changed.length > 0 && !localBuild) {
  console.error(
    `The public API changed: ${changed.join(', ')} differ from the build (see .tmp/api-report/).\n` +
      'If the change is intended, run `npm run api` and commit the reports.',
  )
  process.exit(1)
}
console.log(
  localBuild && changed.length > 0
    ? `API reports updated: ${changed.join(', ')}`
    : `API reports match the build: ${Object.keys(ENTRIES).length} entries`,
)
