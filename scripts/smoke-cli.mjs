// Smoke test of the `ticket-events` command as users get it: pack the built package,
// install the tarball into an empty project (offline: its dependencies come from this
// checkout's node_modules, so a fresh npm cache needs no registry), and run `npx ticket-events sql …` there.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const project = mkdtempSync(join(tmpdir(), 'ticket-events-cli-'))
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: project, encoding: 'utf8', ...options })
try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--pack-destination', project, '--json'], { cwd: root, encoding: 'utf8' }))
  assert.ok(
    packed.files.some((file) => file.path === 'dist/cli.js'),
    'the tarball has no dist/cli.js: run npm run build first',
  )
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cli-smoke', private: true }))
  // Every runtime dependency, read from package.json: a new one is installed offline too.
  const { dependencies: declared } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const dependencies = Object.keys(declared).map((name) => join(root, 'node_modules', name))
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', `./${packed.filename}`, ...dependencies])

  const postgres = run('npx', ['--no-install', 'ticket-events', 'sql', 'postgres', '--schema', 'support', '--table-prefix', 'app_'])
  assert.match(postgres, /^-- ticket-events: the PostgreSQL ticket store \(schema "support", table prefix "app_"\)/)
  assert.match(postgres, /CREATE TABLE "support"\."app_events"/)
  assert.match(postgres, /INSERT INTO "support"\."app_schema_migrations" \(version, description\) VALUES \(1, /)
  const sqlite = run('npx', ['--no-install', 'ticket-events', 'sql', 'sqlite'])
  assert.match(sqlite, /^-- ticket-events: the SQLite ticket store \(table prefix "ticket_"\)/)
  assert.throws(
    () => run('npx', ['--no-install', 'ticket-events', 'sql', 'mysql'], { stdio: 'pipe' }),
    (error) => error.status === 2 && /Expected postgres or sqlite/.test(error.stderr),
  )
  console.log('smoke test of the CLI: npx ticket-events sql postgres|sqlite runs from the packed tarball')
} finally {
  rmSync(project, { recursive: true, force: true })
}
