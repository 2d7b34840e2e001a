import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run-cli.js'
import { postgresMigrationSql } from '../../src/stores/postgres/index.js'
import { sqliteMigrationSql } from '../../src/stores/sqlite/index.js'
import { postgresDedupeMigrationSql, sqliteDedupeMigrationSql } from '../../src/webhooks/index.js'

/** Runs the command in this process; returns what it wrote and its exit code. */
function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = ''
  let err = ''
  const code = runCli(args, { out: (text) => (out += text), err: (text) => (err += text) })
  return { code, out, err }
}

describe('ticket-events sql', () => {
  it('prints the ticket store’s migrations exactly as the library functions write them', () => {
    expect(cli('sql', 'postgres')).toEqual({ code: 0, out: postgresMigrationSql().script, err: '' })
    expect(cli('sql', 'postgres', '--schema', 'support', '--table-prefix', 'app_', '--after', '0').out).toBe(
      postgresMigrationSql({ schema: 'support', tablePrefix: 'app_' }).script,
    )
    expect(cli('sql', 'sqlite', '--table-prefix', '', '--after', '2').out).toBe(sqliteMigrationSql({ tablePrefix: '', after: 2 }).script)
  })

  it('prints the webhook dedupe store’s migrations with --store webhook-deliveries', () => {
    expect(cli('sql', 'postgres', '--store', 'webhook-deliveries', '--schema', 'hooks').out).toBe(
      postgresDedupeMigrationSql({ schema: 'hooks' }).script,
    )
    expect(cli('sql', 'sqlite', '--store', 'webhook-deliveries', '--table-name', 'Deliveries').out).toBe(
      sqliteDedupeMigrationSql({ tableName: 'Deliveries' }).script,
    )
  })

  it('answers --help on stdout, and no arguments with the usage on stderr and exit code 2', () => {
    expect(cli('--help')).toMatchObject({ code: 0, err: '' })
    expect(cli('--help').out).toContain('Usage: ticket-events sql <postgres|sqlite> [options]')
    expect(cli()).toMatchObject({ code: 2, out: '' })
  })

  it.each([
    [['migrate', 'postgres'], 'Unknown command "migrate"'],
    [['sql', 'mysql'], 'Expected postgres or sqlite after sql, got "mysql"'],
    [['sql'], 'Expected postgres or sqlite after sql, got nothing'],
    [['sql', 'postgres', '--prefix', 'x_'], 'Unknown option "--prefix"'],
    [['sql', 'postgres', '--schema'], 'Option --schema needs a value'],
    [['sql', 'postgres', '--after', 'two'], 'Expected --after to be a version number'],
    [['sql', 'sqlite', '--schema', 'x'], '--schema applies only to postgres'],
    [['sql', 'postgres', '--table-name', 'x'], '--table-name applies only to --store webhook-deliveries'],
    [['sql', 'postgres', '--store', 'events'], 'Expected --store tickets, webhook-deliveries or webhook-dispatch'],
    [['sql', 'postgres', '--schema', 'Robert"; DROP TABLE x'], 'Invalid postgresMigrationSql options: schema:'],
    [['sql', 'sqlite', '--table-prefix', 'Has-Dash'], 'Invalid sqliteMigrationSql options: tablePrefix:'],
  ])('refuses %j with exit code 2 and says why on stderr, printing no SQL', (args, message) => {
    const { code, out, err } = cli(...args)
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toContain(message)
  })

  it('runs as an executable: the SQL on stdout, exit code 0', async () => {
    const bin = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url))
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', bin, 'sql', 'sqlite'], (error, stdout) =>
        resolve({ code: error === null ? 0 : Number(error.code), stdout }),
      )
    })
    expect(code).toBe(0)
    expect(stdout).toBe(sqliteMigrationSql().script)
  })
})
