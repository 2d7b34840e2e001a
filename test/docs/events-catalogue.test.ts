import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { COMMAND_TYPES, EVENT_TYPES } from '../../src/index.js'

const catalogue = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8')

describe('the events catalogue in docs/events.md', () => {
  it.each(EVENT_TYPES)('documents %s with an example payload row', (type) => {
    expect(catalogue).toMatch(new RegExp(`^\\| \`${type}\` \\|.*\\| \`\\{.*\\}\` \\|$`, 'm'))
  })

  it('names every command that emits a fact', () => {
    for (const command of COMMAND_TYPES) expect(catalogue).toContain(`\`${command}\``)
  })
})
