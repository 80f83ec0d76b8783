import { readFileSync } from 'node:fs'
import t from 'tap'
import { table } from '../bench/table.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const results = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8'))

t.test(
  "the README shows the table of the benchmark's last full run, with its date and machine",
  async (t) => {
    t.ok(results.profile.rounds >= 5, 'a full run, of at least 5 rounds')
    t.match(cells(readme), cells(table(results.summary)))
    t.match(readme, results.date.slice(0, 10))
    t.match(readme, results.machine)
  },
)

// The table as its cells, whatever padding a Markdown formatter gives its columns.
function cells(markdown: string) {
  return markdown.replace(/ *\| */g, '|').replace(/-{3,}/g, '---')
}
