/**
 * What the committed API reports (etc/*.api.md, checked against the build in CI by
 * `node scripts/api-report.mjs`) say about the entries' dependencies: the root entry's
 * types mention no zod generics, and the fast-check generators need no test runner.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const report = (name: string): string => readFileSync(new URL(`../../etc/${name}.api.md`, import.meta.url), 'utf8')
const importsOf = (name: string): string[] => [...report(name).matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1] as string)

describe('the API reports', () => {
  it('show a root entry whose types import nothing, zod included', () => {
    expect(importsOf('ticket-events')).toEqual([])
    expect(report('ticket-events')).not.toMatch(/\bz\.|Zod/)
  })

  it('show the schemas entry as the one that exposes zod', () => {
    expect(importsOf('ticket-events-schemas')).toEqual(['zod/mini'])
  })

  it('show ticket-events/testing needing fast-check and no test runner', () => {
    expect(importsOf('ticket-events-testing')).toEqual(['fast-check'])
  })
})
