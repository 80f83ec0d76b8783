// Reads `npm audit --json` on stdin. A known vulnerability in a runtime dependency fails CI; a
// registry that cannot be reached, or that does not serve the audit endpoint, does not: the audit
// is then skipped, with a warning saying why.
import { text } from 'node:stream/consumers'

const report = JSON.parse((await text(process.stdin)).trim() || '{}')
const found = report.metadata?.vulnerabilities
if (found === undefined) {
  console.warn(`npm audit skipped: the registry did not answer (${report.message ?? 'no report'})`)
} else if (found.total > 0) {
  console.error(`npm audit: ${found.total} known vulnerabilities in runtime dependencies:`)
  for (const [name, { severity, via }] of Object.entries(report.vulnerabilities)) {
    console.error(`  ${name} (${severity}): ${via.map((v) => v.title ?? v).join('; ')}`)
  }
  process.exit(1)
} else {
  console.log('npm audit: no known vulnerability in runtime dependencies')
}
