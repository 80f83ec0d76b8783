import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { testDatabaseServer } from './database.js'
import { spawnServer } from './server-process.js'

t.jobs = 3

t.test('prints the configuration, secrets redacted, migrates the database, and exits 0', async (t) => {
  const { env } = await testDatabaseServer(t, { migrated: false })
  const release = spawnServer(t, {
    program: 'release',
    fixtures: ['secret-setting'],
    env: { ...env, PORT: '8080', LOG_LEVEL: 'warn', PAYMENT_API_KEY: 'hunter2' },
  })
  t.equal(await release.exited, 0, await release.stderr)
  const [configuration, migrations] = release.stdout().split(/\n(?=Migrations)/) as [string, string]
  t.same(JSON.parse(configuration), {
    PORT: 8080,
    LOG_LEVEL: 'warn',
    TRUST_PROXY: 'false',
    KEEP_ALIVE_TIMEOUT: 95000,
    REQUEST_TIMEOUT: 25000,
    SHUTDOWN_TIMEOUT: 4000,
    API_DOCS: true,
    OVERLOAD_EVENT_LOOP_DELAY: 1000,
    OVERLOAD_HEAP_USED: 400,
    OVERLOAD_RSS: 450,
    DATABASE_URL: '[redacted]',
    DATABASE_POOL_SIZE: Number(env.DATABASE_POOL_SIZE ?? 5),
    DATABASE_CONNECT_TIMEOUT: 5000,
    DATABASE_STATEMENT_TIMEOUT: 5000,
    EMBEDDED_DATABASE_DIR: '.data/postgres',
    PAYMENT_API_KEY: '[redacted]',
  })
  t.equal(migrations, 'Migrations applied to the database: 1\n')
  t.notMatch(release.stdout() + (await release.stderr), /hunter2/, 'the secret is printed nowhere')
  const again = spawnServer(t, { program: 'release', env })
  t.equal(await again.exited, 0)
  t.match(
    again.stdout(),
    /\nMigrations applied to the database: none\n$/,
    'a second release has nothing to do',
  )
})

t.test('without DATABASE_URL, creates the embedded database in .data/postgres and migrates it', async (t) => {
  const cwd = t.testdir()
  const release = spawnServer(t, { program: 'release', cwd })
  t.equal(await release.exited, 0, await release.stderr)
  t.match(release.stdout(), /\nMigrations applied to the database: 1\n$/)
  t.ok(existsSync(join(cwd, '.data/postgres/PG_VERSION')), 'created where the setting says')
  t.notOk(existsSync(join(cwd, '.data/postgres/app.pid')), 'and unlocked at exit')
})

t.test('without DATABASE_URL, in a build without the embedded database: one line, exit 1', async (t) => {
  const release = spawnServer(t, { program: 'release', fixtures: ['no-embedded-database'] })
  t.equal(await release.exited, 1)
  t.equal(
    await release.stderr,
    'Invalid configuration: DATABASE_URL must be set: this installation has no embedded database (a development dependency, pruned from production builds): attach PostgreSQL and set DATABASE_URL to its URL\n',
  )
})

t.test('exits 1 on a configuration the server would refuse, saying why', async (t) => {
  for (const env of [{ PORT: '70000' }, { TRUST_PROXY: '999.1.1.1' }] as Record<string, string>[]) {
    const check = spawnServer(t, { program: 'release', env })
    t.equal(await check.exited, 1, JSON.stringify(env))
    t.match(await check.stderr, /^Invalid configuration: (PORT|TRUST_PROXY) must be /, JSON.stringify(env))
    t.equal(check.stdout(), '', 'prints no configuration')
  }
})
