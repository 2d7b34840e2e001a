import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The project root: every runtime runs from there, so relative paths in its output are the repository's. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** How a runtime's test run ended, with everything it printed. */
export interface RuntimeRun {
  readonly exitCode: number | null
  /** stdout and stderr, interleaved as they came. */
  readonly output: string
}

/** Runs `binary` with `args` from the project root, without colours, and collects its output. */
export function runRuntime(binary: string, args: readonly string[], timeoutMs = 90_000): Promise<RuntimeRun> {
  return new Promise((resolve, reject) => {
    // Deno colours its report whenever FORCE_COLOR is set at all, whatever its value.
    const { FORCE_COLOR: _forced, ...environment } = process.env
    const child = spawn(binary, args, {
      cwd: PROJECT_ROOT,
      env: { ...environment, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${binary} ${args.join(' ')} did not finish within ${timeoutMs} ms. Its output so far:\n${output}`))
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({ exitCode, output })
    })
  })
}

/** Reads the passed and failed counts from a runner's closing summary with `pattern` (two groups: passed, failed). */
export function summaryOf(run: RuntimeRun, pattern: RegExp): { passed: number; failed: number } | undefined {
  const match = pattern.exec(run.output)
  return match === null ? undefined : { passed: Number(match[1]), failed: Number(match[2]) }
}
