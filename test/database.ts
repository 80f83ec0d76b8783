import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { startEmbeddedDatabase } from '../plugins/embedded-database.js'
import { buildApp } from '../src/app.js'

// Databases for the tests, each test's apart from the others': an embedded one of its own by
// default, or, when TEST_DATABASE_URL names a PostgreSQL server, a schema of its own there. Which of
// the two runs depends on TEST_DATABASE_URL, and CI runs the suite both ways: each one's code is left
// out of the coverage of a single run.

interface TestDatabaseServer {
  /** The settings that point the app at it. */
  env: Record<string, string>
  /** Kills the app's connections, as the server would. */
  killConnections: () => Promise<unknown>
}

/** Settings that give the app a database of the test's own, migrated, dropped after the test. */
export async function testDatabase(t: Test): Promise<Record<string, string>> {
  const server = process.env.TEST_DATABASE_URL
  /* c8 ignore start */
  if (server === undefined) return { EMBEDDED_DATABASE_DIR: await embeddedDatabaseDir(t) }
  return { DATABASE_URL: await schemaOn(t, server, true) }
}
/* c8 ignore stop */

/**
 * A database server of the test's own, reached through DATABASE_URL, migrated with the migrations in
 * `migrations` (MIGRATIONS_DIR), or not at all.
 */
export async function testDatabaseServer(
  t: Test,
  { migrations = 'migrations', migrated = true } = {},
): Promise<TestDatabaseServer> {
  const server = process.env.TEST_DATABASE_URL
  /* c8 ignore start */
  const { env, killConnections } =
    server === undefined ? await embeddedServer(t) : await schemaServer(t, server)
  if (migrated) await migrate(env.DATABASE_URL as string, migrations)
  return { env: { ...env, MIGRATIONS_DIR: migrations }, killConnections }
}

async function schemaServer(t: Test, server: string) {
  const url = await schemaOn(t, server)
  const name = new URL(url).searchParams.get('application_name')
  const terminate = 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1'
  return { env: { DATABASE_URL: url }, killConnections: () => sql(server, terminate, [name]) }
}

let schemas = 0

/** A schema of its own on the server, as the search path of its URL, dropped after the test. */
async function schemaOn(t: Test, server: string, migrated = false) {
  const schema = `test_${process.pid}_${++schemas}`
  await sql(server, `CREATE SCHEMA ${schema}`)
  t.teardown(() => sql(server, `DROP SCHEMA ${schema} CASCADE`))
  const url = new URL(server)
  url.searchParams.set('options', `-c search_path=${schema}`)
  url.searchParams.set('application_name', schema)
  if (migrated) await migrate(url.href)
  return url.href
}

export async function sql(url: string, text: string, values?: unknown[]) {
  const client = new pg.Client(url)
  await client.connect()
  try {
    await client.query(text, values)
  } finally {
    await client.end()
  }
}

/**
 * The embedded database, started by the test, behind a proxy: it has no pg_terminate_backend to
 * offer, and closing the proxy's connections is, to the app, the server closing them. It runs one
 * session, so the app keeps to one connection at a time, which keeps transactions apart.
 */
async function embeddedServer(t: Test): Promise<TestDatabaseServer> {
  const embedded = await startEmbeddedDatabase(await embeddedDatabaseDir(t))
  t.teardown(() => embedded.stop())
  const sockets = new Set<Socket>()
  const proxy = createServer((client) => {
    const upstream = connect(embedded.connection.port, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket)).on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  const closeConnections = async () => {
    for (const socket of sockets) socket.destroy()
  }
  t.teardown(() => closeConnections().then(() => proxy.close()))
  const url = `postgres://postgres@127.0.0.1:${(proxy.address() as AddressInfo).port}/postgres`
  return { env: { DATABASE_URL: url, DATABASE_POOL_SIZE: '1' }, killConnections: closeConnections }
}
/* c8 ignore stop */

/** Applies the migrations in `migrations` (MIGRATIONS_DIR), as the release does. */
export async function migrate(url: string, migrations = 'migrations') {
  const app = await buildApp({ env: { DATABASE_URL: url, MIGRATIONS_DIR: migrations } })
  await app.db.migrate()
  await app.close()
}

// Creating an embedded database takes seconds; copying an empty one, a tenth of a second. The empty
// one is made once per PGlite version, in node_modules/.cache (where a fresh clone has none), and
// renamed into place whole, so that test files starting together never see half of one.
const { version } = JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8'))
const template = join('node_modules', '.cache', 'fastify-starter', `embedded-database-${version}`)

/** A folder of the test's own holding an empty embedded database, not migrated. */
export async function embeddedDatabaseDir(t: Test) {
  /* c8 ignore start -- made once per clone */
  if (!existsSync(template)) {
    const made = mkdtempSync(join(tmpdir(), 'embedded-template-'))
    await (await startEmbeddedDatabase(made)).stop()
    mkdirSync(join(template, '..'), { recursive: true })
    try {
      renameSync(made, template)
    } catch {
      rmSync(made, { recursive: true, force: true }) // another test file made it first
    }
  }
  /* c8 ignore stop */
  const dir = mkdtempSync(join(tmpdir(), 'embedded-database-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(template, dir, { recursive: true })
  return dir
}
