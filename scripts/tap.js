// Runs the tests with tap: `node scripts/tap.js` runs them all, with 100% coverage enforced, as
// `npm test` does; `node scripts/tap.js test/routes/root.test.ts` runs that one file, compiled, with
// coverage off, as `npm run test:one -- test/routes/root.test.ts` does.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { TapConfig } from '@tapjs/config'
import { signature } from '@tapjs/test'

// package.json leaves two of tap's plugins out: typescript (the tests run compiled) and mock (they
// mock nothing). tap must be rebuilt for that, once after an install: it would rebuild itself, but
// only after a first run that fails.
if ((await TapConfig.load()).pluginSignature !== signature) tap(['build'])

// The tests that need a PostgreSQL server (test/postgres/*.postgres.ts) run when TEST_DATABASE_URL
// names one.
const withServer = process.env.TEST_DATABASE_URL
  ? ['--include=dist/test/**/*.test.js', '--include=dist/test/postgres/*.postgres.js']
  : []
const files = process.argv.slice(2).map((file) => `dist/${file.replace(/\.ts$/, '.js')}`)
const { status } = files.length > 0 ? tap(['--disable-coverage', ...files]) : tap(withServer)
if (status !== 0 && files.length === 0) reportUncovered()
process.exit(status ?? 1)

function tap(args, stdio = 'inherit') {
  return spawnSync('tap', args, { stdio, shell: true })
}

// tap's own report of incomplete coverage is a table, easy to take for a test failure: end with one
// line saying that coverage failed, and where.
function reportUncovered() {
  tap(['report', 'json'], 'ignore')
  const report = JSON.parse(readFileSync('.tap/report/coverage-final.json', 'utf8'))
  const places = Object.entries(report).flatMap(([file, coverage]) => {
    const lines = uncoveredLines(coverage)
    return lines.length === 0
      ? []
      : [`${relative('.', file)} line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`]
  })
  if (places.length > 0) console.error(`\nCoverage is below 100%: ${places.join('; ')}`)
}

// The lines of every statement, branch and function that no test ran, in istanbul's JSON format.
function uncoveredLines({ s, statementMap, b, branchMap, f, fnMap }) {
  const lines = [
    ...Object.keys(s)
      .filter((k) => s[k] === 0)
      .map((k) => statementMap[k].start.line),
    ...Object.keys(b).flatMap((k) =>
      b[k].flatMap((count, i) =>
        count === 0 ? [(branchMap[k].locations[i] ?? branchMap[k].loc).start.line] : [],
      ),
    ),
    ...Object.keys(f)
      .filter((k) => f[k] === 0)
      .map((k) => fnMap[k].loc.start.line),
  ]
  return [...new Set(lines)].sort((a, b) => a - b)
}
