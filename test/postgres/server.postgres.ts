import pg from 'pg'
import t from 'tap'
import { sql, testDatabaseServer } from '../database.js'
import { build, captureLogs } from '../helper.js'
import { spawnServer } from '../server-process.js'

// What only a PostgreSQL server can show (the embedded database runs one session, and cancels no
// statement): run by `npm test` when TEST_DATABASE_URL names one, as CI does.
if (process.env.TEST_DATABASE_URL === undefined)
  throw new Error('TEST_DATABASE_URL must name a PostgreSQL server')

t.test(
  'two releases at once: one waits for the other, both exit 0, the schema is migrated once',
  async (t) => {
    const { env } = await testDatabaseServer(t, { migrated: false })
    const releases = [1, 2].map(() => spawnServer(t, { program: 'release', env }))
    t.same(await Promise.all(releases.map(({ exited }) => exited)), [0, 0])
    const said = releases.map(
      (release) => release.stdout().match(/Migrations applied to the database: (.*)/)?.[1],
    )
    t.same(said.sort(), ['1', 'none'])
    const client = new pg.Client(env.DATABASE_URL)
    await client.connect()
    const { rows } = await client.query('SELECT version FROM schemaversion WHERE version > 0')
    await client.end()
    t.same(rows, [{ version: 1 }])
  },
)

t.test('a statement past the statement timeout: 503, and the next one is served', async (t) => {
  const { env } = await testDatabaseServer(t)
  const app = await build(t, { env: { ...env, DATABASE_STATEMENT_TIMEOUT: '200' } })
  app.get('/sleep', async () => app.db.query('SELECT pg_sleep(3)').then(() => ({})))
  app.get('/one', async () => (await app.db.query('SELECT 1 AS one')).rows[0])
  t.equal((await app.inject('/sleep')).statusCode, 503)
  t.equal((await app.inject('/one')).statusCode, 200)
})

t.test('a database closed to connections, then opened again: 503 and /ready 503, then served', async (t) => {
  const server = process.env.TEST_DATABASE_URL as string
  const database = `test_closed_${process.pid}`
  await sql(server, `CREATE DATABASE ${database}`)
  t.teardown(() => sql(server, `DROP DATABASE ${database} WITH (FORCE)`))
  const url = new URL(server)
  url.pathname = `/${database}`
  const { logger, lines } = captureLogs()
  const app = await build(t, { env: { DATABASE_URL: url.href, MIGRATIONS_DIR: t.testdir() }, logger })
  app.get('/one', async () => (await app.db.query('SELECT 1 AS one')).rows[0])
  t.equal((await app.inject('/one')).statusCode, 200)
  await sql(server, `ALTER DATABASE ${database} ALLOW_CONNECTIONS false`)
  await sql(server, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`)
  t.equal((await app.inject('/one')).statusCode, 503, 'the connection killed')
  t.equal((await app.inject('/one')).statusCode, 503, 'no new one allowed')
  t.same((await app.inject('/ready')).json().reasons, ['database unavailable'])
  t.equal((await app.inject('/health')).statusCode, 200)
  await sql(server, `ALTER DATABASE ${database} ALLOW_CONNECTIONS true`)
  t.equal((await app.inject('/one')).statusCode, 200, 'served again, with no restart')
  t.equal((await app.inject('/ready')).statusCode, 200)
  const unavailable = lines.filter(
    ({ msg }) => msg === 'The database is unavailable: requests that need it get 503',
  )
  t.equal(unavailable.length, 1, 'said once')
  t.match(unavailable[0], { err: { message: String } }, 'with why')
  t.ok(lines.some(({ msg }) => msg === 'The database is available again'))
})
