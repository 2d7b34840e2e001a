/**
 * Every TypeScript block in README.md compiles against the public API (strict, as the
 * project's own code) and runs to the end: a newcomer can paste the quick start as is.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const README = readFileSync(`${ROOT}README.md`, 'utf8')
// Inside the project, so `ticket-events` resolves through tsconfig.json's paths to the sources.
const FOLDER = `${ROOT}.tmp/readme-code/`

interface CodeBlock {
  /** The README line the block's first code line is on. */
  readonly line: number
  readonly code: string
  readonly file: string
}

const blocks: CodeBlock[] = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => {
  const line = README.slice(0, match.index).split('\n').length + 1
  return { line, code: match[1] ?? '', file: `${FOLDER}readme-line-${line}.ts` }
})

beforeAll(() => {
  rmSync(FOLDER, { recursive: true, force: true })
  mkdirSync(FOLDER, { recursive: true })
  // `export {}` makes each block a module of its own (top-level await, no shared names).
  for (const block of blocks) writeFileSync(block.file, `${block.code}export {}\n`)
})

/** The compiler errors of a block, each as `README.md:line: message`. */
function typeErrors(block: CodeBlock): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.test.json`,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )
  if (config === undefined) throw new Error('tsconfig.test.json could not be read')
  const program = ts.createProgram([block.file], { ...config.options, noEmit: true })
  const source = program.getSourceFile(block.file)
  // Only this file's diagnostics: the sources it imports are checked by `npm run typecheck`.
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
    const { line } = ts.getLineAndCharacterOfPosition(diagnostic.file as ts.SourceFile, diagnostic.start ?? 0)
    return `README.md:${block.line + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
  })
}

describe('the TypeScript in README.md', () => {
  it('has code blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  describe.each(blocks)('the block at README.md line $line', (block) => {
    it('compiles with the project’s strict settings', () => {
      expect(typeErrors(block)).toEqual([])
    })

    it('runs to the end', () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', block.file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    })
  })
})
