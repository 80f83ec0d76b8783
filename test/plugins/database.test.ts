import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { startEmbeddedDatabase } from '../../plugins/embedded-database.js'
import { embeddedDatabaseDir, migrate, testDatabase, testDatabaseServer } from '../database.js'
import { build, captureLogs } from '../helper.js'

// What the app does when its database fails: the requests that need it get 503 with no detail, in
// the time the timeouts allow, /ready says why while /health answers, and the app serves again once
// the database is back, with no restart.

const unavailable = { statusCode: 503, error: 'Service Unavailable', message: 'Service Unavailable' }

// A table and two routes of this test's own, so that it needs nothing of the example.
const migrations = t.testdir({ '001.do.visits.sql': 'CREATE TABLE visits (at timestamptz DEFAULT now());\n' })
function withVisits<App extends Awaited<ReturnType<typeof build>>>(app: App) {
  app.post(
    '/visits',
    async () => (await app.db.query('INSERT INTO visits DEFAULT VALUES RETURNING at')).rows[0],
  )
  app.get('/visits', async () => (await app.db.query('SELECT count(*)::int AS count FROM visits')).rows[0])
  return app
}

t.test('a database that refuses connections: 503 at once, /ready 503, /health 200', async (t) => {
  const refusing = createServer()
  refusing.listen(0, '127.0.0.1')
  await once(refusing, 'listening')
  const { port } = refusing.address() as AddressInfo
  refusing.close()
  const app = withVisits(
    await build(t, { env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/app` } }),
  )
  const res = await app.inject('/visits')
  t.equal(res.statusCode, 503)
  t.same(res.json(), unavailable)
  const ready = await app.inject('/ready')
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not ready', reasons: ['database unavailable'] })
  t.equal((await app.inject('/health')).statusCode, 200)
})

t.test('a database that accepts connections and never answers: 503 after the connect timeout', async (t) => {
  const sockets = new Set<Socket>()
  const silent = createServer((socket) => sockets.add(socket))
  silent.listen(0, '127.0.0.1')
  await once(silent, 'listening')
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    silent.close()
  })
  const { port } = silent.address() as AddressInfo
  const app = withVisits(
    await build(t, {
      env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/app`, DATABASE_CONNECT_TIMEOUT: '200' },
    }),
  )
  const res = await app.inject('/visits')
  t.equal(res.statusCode, 503)
  t.same(res.json(), unavailable)
  t.ok(sockets.size > 0, 'the app did connect')
})

t.test('connections killed under load: 503 or success, never another 5xx, then served again', async (t) => {
  const { env, killConnections } = await testDatabaseServer(t, { migrations })
  const { logger, lines } = captureLogs()
  const app = withVisits(await build(t, { env, logger }))
  const statuses = new Set<number>()
  const load = async () => {
    for (let i = 0; i < 20; i++) {
      const create = app.inject({ method: 'POST', url: '/visits' })
      const [created, listed] = await Promise.all([create, app.inject('/visits')])
      statuses.add(created.statusCode).add(listed.statusCode)
    }
  }
  const loading = load()
  await app.inject('/visits') // the pool has connections, busy or idle
  await killConnections()
  await loading
  t.same(
    [...statuses].filter((status) => ![200, 503].includes(status)),
    [],
    `statuses: ${[...statuses]}`,
  )
  await app.inject('/visits')
  await killConnections() // an idle one too: the pool drops it, and the process lives on
  const lost = () => lines.some(({ msg }) => msg === 'An idle database connection was lost')
  while (!lost()) await sleep(10)
  // A connection killed while idle may be handed out before its error arrives: one 503 each, at most.
  let status = 0
  for (let tries = 0; tries <= 5 && status !== 200; tries++) status = (await app.inject('/visits')).statusCode
  t.equal(status, 200, 'served again, with no restart')
  t.equal((await app.inject('/ready')).statusCode, 200)
  t.notOk(
    lines.some((line) => line.level === 50),
    'no error logged: a lost connection is expected, not a bug',
  )
})

t.test('migrations pending: said at startup, /ready 503 until they are applied', async (t) => {
  const { env } = await testDatabaseServer(t, { migrations, migrated: false })
  const { logger, lines } = captureLogs()
  const app = withVisits(await build(t, { env, logger }))
  const ready = await app.inject('/ready')
  t.equal(ready.statusCode, 503)
  t.same(ready.json().reasons, ['migrations pending'])
  // Said without holding up the startup: it arrives when the database has answered.
  const said = '1 database migrations pending: /ready answers 503 until the release applies them'
  while (!lines.some(({ msg }) => msg === said)) await sleep(10)
  t.pass('said at startup')
  await migrate(env.DATABASE_URL as string, migrations)
  t.equal((await app.inject('/ready')).statusCode, 200, 'ready once the release has run')
  t.equal((await app.inject('/ready')).statusCode, 200, 'and from then on, without asking again')
  t.equal((await app.inject('/visits')).statusCode, 200)
})

t.test('the embedded database, in use by another process or app: 503, and the log says which', async (t) => {
  const dir = await embeddedDatabaseDir(t)
  const holder = await startEmbeddedDatabase(dir)
  t.teardown(() => holder.stop())
  const { logger, lines } = captureLogs()
  const app = withVisits(
    await build(t, { env: { EMBEDDED_DATABASE_DIR: dir, MIGRATIONS_DIR: migrations }, logger }),
  )
  t.equal((await app.inject('/visits')).statusCode, 503)
  t.same((await app.inject('/ready')).json().reasons, ['database unavailable'])
  t.match(
    lines.find(({ level }) => level === 40),
    {
      msg: 'The database is unavailable: requests that need it get 503',
      err: {
        message: `The embedded database in ${dir} is in use by process ${process.pid}: stop that process, or set EMBEDDED_DATABASE_DIR to another folder`,
      },
    },
  )
})

t.test('the embedded database, locked by a process that is gone: opened all the same', async (t) => {
  const dir = await embeddedDatabaseDir(t)
  const gone = spawnSync(process.execPath, ['-e', '0']).pid
  writeFileSync(join(dir, 'app.pid'), String(gone))
  const app = withVisits(await build(t, { env: { EMBEDDED_DATABASE_DIR: dir, MIGRATIONS_DIR: migrations } }))
  t.equal((await app.inject('/visits')).statusCode, 200)
  t.equal(readFileSync(join(dir, 'app.pid'), 'utf8'), String(process.pid), "the lock is this process's")
  await app.close()
  t.notOk(existsSync(join(dir, 'app.pid')), 'and released when the app closes')
})

t.test('an embedded database that fails to open: 503, logged once, unlocked, and tried again', async (t) => {
  const dir = await embeddedDatabaseDir(t)
  writeFileSync(join(dir, 'PG_VERSION'), 'not a version\n')
  const { logger, lines } = captureLogs()
  const app = withVisits(
    await build(t, { env: { EMBEDDED_DATABASE_DIR: dir, MIGRATIONS_DIR: migrations }, logger }),
  )
  t.equal((await app.inject('/visits')).statusCode, 503)
  t.match(
    lines.find(({ level }) => level === 40),
    {
      msg: 'The database is unavailable: requests that need it get 503',
      err: { message: /^The embedded database in .+ could not be opened: / },
    },
  )
  t.notOk(existsSync(join(dir, 'app.pid')), 'unlocked')
  t.same((await app.inject('/ready')).json().reasons, ['database unavailable'])
  writeFileSync(join(dir, 'PG_VERSION'), readFileSync(join(await embeddedDatabaseDir(t), 'PG_VERSION')))
  t.equal((await app.inject('/visits')).statusCode, 200, 'repaired, it opens on the next request')
  t.ok(lines.some(({ msg }) => msg === 'The database is available again'))
  t.equal((await app.inject('/ready')).statusCode, 200)
})

t.test('a statement the database refuses, or values pg cannot send: 500, logged as a bug', async (t) => {
  const { logger, lines } = captureLogs()
  const app = withVisits(await build(t, { env: await testDatabase(t), logger }))
  app.get('/typo', async () => app.db.query('SELEC 1'))
  // 08P01, of the class of connection errors, yet the statement's fault
  app.get('/extra-value', async () => app.db.query('SELECT $1::int', [1, 2]))
  app.get('/circular', async () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    return app.db.query('SELECT $1::jsonb', [circular])
  })
  t.equal((await app.inject('/typo')).statusCode, 500)
  t.equal((await app.inject('/circular')).statusCode, 500)
  t.equal((await app.inject('/extra-value')).statusCode, 500)
  t.equal(lines.filter(({ msg }) => msg === 'request failed').length, 3)
})
