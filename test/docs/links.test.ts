/**
 * The Markdown the package ships links only to files it ships, so every link works in
 * `node_modules` and, with `repository` set, on the npm page (which resolves relative
 * links against the repository).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The files `npm pack` puts in the tarball, relative to the package root. */
function packedFiles(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const output = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })
  return (JSON.parse(output) as [{ files: { path: string }[] }])[0].files.map((file) => file.path)
}

/** Relative link targets in a Markdown file, without their `#anchor`. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0] ?? '')
}

const packed = packedFiles()
const shippedMarkdown = packed.filter((path) => path.endsWith('.md'))

describe('the Markdown in the package', () => {
  it('ships the README, the changelog and the docs', () => {
    expect(shippedMarkdown).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md', 'docs/concepts.md', 'docs/performance.md']))
  })

  it.each(shippedMarkdown)('%s links only to files the package ships', (path) => {
    const links = relativeLinks(readFileSync(join(ROOT, path), 'utf8'))
    const missing = links.filter((target) => !packed.includes(normalize(join(dirname(path), target)).replaceAll('\\', '/')))
    expect(missing).toEqual([])
  })

  it('names the repository, so the npm page can resolve relative links', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest).toMatchObject({
      repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/) },
      homepage: expect.stringMatching(/^https:\/\//),
      bugs: { url: expect.stringMatching(/^https:\/\//) },
    })
  })
})
