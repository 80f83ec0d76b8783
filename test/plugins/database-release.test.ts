import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { testDatabaseServer } from '../database.js'
import { spawnServer } from '../server-process.js'

// The release phase's migrations (src/release.ts, the Procfile's `release:` line).

t.jobs = 3

const migrations = t.testdir({ '001.do.things.sql': 'CREATE TABLE things (name text);\n' })

t.test('migrates the database at DATABASE_URL, and a second release has nothing to do', async (t) => {
  const { env } = await testDatabaseServer(t, { migrations, migrated: false })
  const release = spawnServer(t, { program: 'release', env })
  t.equal(await release.exited, 0, await release.stderr)
  t.match(release.stdout(), /"DATABASE_URL": "\[redacted\]"/)
  t.match(release.stdout(), /\nMigrations applied to the database: 1\n$/)
  const again = spawnServer(t, { program: 'release', env })
  t.equal(await again.exited, 0)
  t.match(again.stdout(), /\nMigrations applied to the database: none\n$/)
})

t.test(
  'without DATABASE_URL, creates the embedded database in EMBEDDED_DATABASE_DIR and migrates it',
  async (t) => {
    const cwd = t.testdir()
    const release = spawnServer(t, { program: 'release', cwd, env: { MIGRATIONS_DIR: migrations } })
    t.equal(await release.exited, 0, await release.stderr)
    t.match(release.stdout(), /\nMigrations applied to the database: 1\n$/)
    t.ok(existsSync(join(cwd, '.data/postgres/PG_VERSION')), 'created where the setting says')
    t.notOk(existsSync(join(cwd, '.data/postgres/app.pid')), 'and unlocked at exit')
  },
)

t.test('without DATABASE_URL, in a build without the embedded database: one line, exit 1', async (t) => {
  const release = spawnServer(t, { program: 'release', fixtures: ['no-embedded-database'] })
  t.equal(await release.exited, 1)
  t.equal(
    await release.stderr,
    'Invalid configuration: DATABASE_URL must be set: this installation has no embedded database (a development dependency, pruned from production builds): attach PostgreSQL and set DATABASE_URL to its URL\n',
  )
})
