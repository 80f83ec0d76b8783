import { readFileSync } from 'node:fs'
import t from 'tap'
import { loggingLine, table } from '../bench/table.js'

// What the README states that the repository can check.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const readme = read('README.md')

t.test(
  "the README shows the table of the benchmark's last full run, with its date and machine",
  async (t) => {
    const results = JSON.parse(read('bench/results.json'))
    t.ok(results.profile.rounds >= 5, 'a full run, of at least 5 rounds')
    t.match(cells(readme), cells(table(results.summary)))
    t.match(readme.replace(/\s+/g, ' '), loggingLine(results.logging), 'what logging alone costs')
    t.match(readme, results.date.slice(0, 10))
    t.match(readme, results.machine)
  },
)

t.test('the README counts the runtime dependencies as the lockfile does', async (t) => {
  const dependencies = Object.keys(JSON.parse(read('package.json')).dependencies)
  const packages: Record<string, { dev?: boolean }> = JSON.parse(read('package-lock.json')).packages
  const runtime = Object.entries(packages).filter(([path, { dev }]) => path !== '' && dev !== true)
  t.match(readme, `${dependencies.length} direct dependencies`)
  t.match(readme, `${runtime.length} packages in all`)
  for (const name of dependencies) t.match(readme, `\`${name}\``, name)
})

// The table as its cells, whatever padding a Markdown formatter gives its columns.
function cells(markdown: string) {
  return markdown.replace(/ *\| */g, '|').replace(/-{3,}/g, '---')
}
