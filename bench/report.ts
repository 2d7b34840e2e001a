/** One measured figure of `npm run bench`, optionally next to a baseline from the same run. */
export interface BenchRow {
  /** What was measured, e.g. `sqlite execute (1 command / transaction)`. */
  readonly name: string
  readonly value: number
  /** e.g. `commands/s`, `events/s`, `ms`, `KB`. */
  readonly unit: string
  /** The baseline measured in the same run, e.g. the raw driver inserting the same rows. */
  readonly baseline?: { readonly name: string; readonly value: number }
  /** The target, said in words, e.g. `>= 0.7x baseline`. */
  readonly target?: string
}

/** A bench section: a function that measures and returns its rows. */
export type BenchSection = () => Promise<readonly BenchRow[]>

/** Formats rows as a Markdown table with the ratio to each row's baseline. */
export function formatRows(title: string, rows: readonly BenchRow[]): string {
  const lines = [`### ${title}`, '', '| measure | value | baseline | ratio | target |', '| --- | ---: | --- | ---: | --- |']
  for (const row of rows) {
    const baseline = row.baseline ? `${row.baseline.name}: ${format(row.baseline.value)} ${row.unit}` : ''
    const ratio = row.baseline ? `${(row.value / row.baseline.value).toFixed(2)}x` : ''
    lines.push(`| ${row.name} | ${format(row.value)} ${row.unit} | ${baseline} | ${ratio} | ${row.target ?? ''} |`)
  }
  return lines.join('\n')
}

function format(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US')
  return value.toPrecision(3)
}
