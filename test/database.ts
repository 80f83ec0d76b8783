import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { startEmbeddedDatabase } from '../plugins/embedded-database.js'
import { buildApp } from '../src/app.js'

// Databases for the tests, each test file's apart from the others': an embedded one of its own by
// default, or, when TEST_DATABASE_URL names a PostgreSQL server, a schema of its own there.

/** Settings that give the app a database of the test's own, migrated, dropped after the test. */
export async function testDatabase(t: Test): Promise<Record<string, string>> {
  const server = process.env.TEST_DATABASE_URL
  if (server === undefined) return { EMBEDDED_DATABASE_DIR: await embeddedCopy(t) }
  return { DATABASE_URL: await schemaOn(t, server) }
}

/**
 * A database server of the test's own, migrated, as DATABASE_URL, with a way to kill the app's
 * connections to it: a schema on TEST_DATABASE_URL's server, and pg_terminate_backend; or the
 * embedded database, started by the test, behind a proxy that closes the connections.
 */
export async function testDatabaseServer(
  t: Test,
  { migrated = true } = {},
): Promise<{ env: Record<string, string>; killConnections: () => Promise<unknown> }> {
  const server = process.env.TEST_DATABASE_URL
  if (server !== undefined) {
    const url = await schemaOn(t, server, migrated)
    const name = new URL(url).searchParams.get('application_name')
    return {
      env: { DATABASE_URL: url },
      killConnections: () =>
        sql(server, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          name,
        ]),
    }
  }
  const embedded = await startEmbeddedDatabase(await embeddedCopy(t))
  t.teardown(() => embedded.stop())
  const proxy = await proxyTo(t, embedded.connection.port)
  const url = `postgres://postgres@127.0.0.1:${proxy.port}/postgres`
  if (migrated) await migrate(url)
  // The embedded database runs one session: one connection at a time keeps transactions apart.
  return { env: { DATABASE_URL: url, DATABASE_POOL_SIZE: '1' }, killConnections: proxy.closeConnections }
}

// Between the app and the embedded database (which has no pg_terminate_backend to offer): closing
// the proxy's connections is, to the app, the server closing them.
async function proxyTo(t: Test, port: number) {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket)).on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  return {
    port: (server.address() as AddressInfo).port,
    closeConnections: async () => {
      for (const socket of sockets) socket.destroy()
    },
  }
}

let schemas = 0

async function schemaOn(t: Test, server: string, migrated = true) {
  const schema = `test_${process.pid}_${++schemas}`
  await sql(server, `CREATE SCHEMA ${schema}`)
  t.teardown(() => sql(server, `DROP SCHEMA ${schema} CASCADE`))
  const url = new URL(server)
  url.searchParams.set('options', `-c search_path=${schema}`)
  url.searchParams.set('application_name', schema)
  if (migrated) await migrate(url.href)
  return url.href
}

export async function migrate(url: string) {
  const app = await buildApp({ env: { DATABASE_URL: url } })
  await app.db.migrate()
  await app.close()
}

async function sql(url: string, text: string, values?: unknown[]) {
  const client = new pg.Client(url)
  await client.connect()
  try {
    await client.query(text, values)
  } finally {
    await client.end()
  }
}

// Creating an embedded database takes seconds; copying an empty one, a tenth of a second. The empty
// one is made once per PGlite version, in node_modules/.cache (where a fresh clone has none), and
// renamed into place whole, so that test files starting together never see half of one.
const { version } = JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8'))
const template = join('node_modules', '.cache', 'fastify-starter', `embedded-database-${version}`)

async function embeddedCopy(t: Test) {
  if (!existsSync(template)) await makeTemplate()
  const dir = mkdtempSync(join(tmpdir(), 'embedded-database-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(template, dir, { recursive: true })
  return dir
}

async function makeTemplate() {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-template-'))
  await (await startEmbeddedDatabase(dir)).stop()
  mkdirSync(join(template, '..'), { recursive: true })
  try {
    renameSync(dir, template)
  } catch {
    rmSync(dir, { recursive: true, force: true }) // another test file made it first
  }
}
