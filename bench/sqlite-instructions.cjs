/**
 * What AUTOINCREMENT costs the event log, counted in instructions rather than seconds, so a
 * loaded machine cannot blur it (valgrind's callgrind counts the same total for the same
 * run, whatever else the machine does). The table has the log's columns and indexes; each
 * transaction appends three events, as a command does.
 *
 *   for mode in plain auto; do for n in 1000 3000; do
 *     valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/sqlite-instructions.cjs $mode $n 2>&1 | grep refs
 *   done; done
 *
 * Instructions per command = (refs at 3000 − refs at 1000) / 2000, which cancels Node's
 * start-up and the table's creation.
 */
const Database = require('better-sqlite3')
const auto = process.argv[2] === 'auto'
const n = Number(process.argv[3] ?? 3000)
const db = new Database(':memory:')
db.exec(
  `CREATE TABLE ev (position INTEGER PRIMARY KEY ${auto ? 'AUTOINCREMENT' : ''}, id TEXT NOT NULL UNIQUE, ticket_id TEXT NOT NULL, workspace_id TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, occurred_at TEXT NOT NULL, payload TEXT NOT NULL, meta TEXT NOT NULL, UNIQUE (ticket_id, version))`,
)
db.exec('CREATE INDEX ev_ws ON ev (workspace_id, position)')
const ins = db.prepare('INSERT INTO ev (id, ticket_id, workspace_id, version, type, occurred_at, payload, meta) VALUES (?,?,?,?,?,?,?,?)')
const body = JSON.stringify({ from: 'pending', to: 'ongoing', note: 'x'.repeat(120) })
const tx = db.transaction((i) => {
  for (let k = 0; k < 3; k++)
    ins.run(
      `id-${i}-${k}`,
      `t-${i % 500}`,
      'w',
      Math.floor(i / 500) * 3 + k + 1,
      'ticket:status:changed',
      '2026-11-27T00:00:00.000Z',
      body,
      '{}',
    )
})
for (let i = 0; i < n; i++) tx(i)
