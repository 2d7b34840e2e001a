// `npm run runtimes:install`: installs the pinned Deno, Bun and workerd binaries (from the
// npm registry, as test/runtimes/package-lock.json pins them) into
// node_modules/.cache/ticket-events-runtimes — outside the source tree, beside every other
// third-party file, so nothing scans their bundles as the project's own code. The manifest
// and lockfile stay in test/runtimes, under version control.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const manifest = join(root, 'test', 'runtimes')
const target = join(root, 'node_modules', '.cache', 'ticket-events-runtimes')

mkdirSync(target, { recursive: true })
for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(manifest, file), join(target, file))
execFileSync('npm', ['ci', '--prefix', target, '--no-audit', '--no-fund'], { stdio: 'inherit', shell: process.platform === 'win32' })
console.log(`runtimes installed in ${target}`)
