import createError from '@fastify/error'
import fp from 'fastify-plugin'
import type pg from 'pg'
import { InvalidConfigError } from './config.js'
import { embeddedDatabaseInstalled, startEmbeddedDatabase } from './embedded-database.js'
import { projectPath } from './service.js'

export const DatabaseUnavailableError = createError(
  'APP_DATABASE_UNAVAILABLE',
  'The database is unavailable: retry later',
  503,
)

declare module 'fastify' {
  interface FastifyInstance {
    db: {
      /**
       * Runs one statement with its values ($1, $2…). A database that cannot answer (unreachable,
       * its connection lost, the statement timed out) is a DatabaseUnavailableError: a 503.
       */
      query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
        text: string,
        values?: unknown[],
      ): Promise<pg.QueryResult<Row>>
      /** Applies the migrations not yet applied, under a lock: the release phase's work. */
      migrate(): Promise<number[]>
    }
  }
}

// PostgreSQL, the app's backing service: the server at DATABASE_URL, or, while it is unset, the
// embedded database (plugins/embedded-database.ts). Connections open on the first query, so that
// starting the app waits for neither. The pool closes once the drain has answered every request.
export default fp(
  async function database(app) {
    const { DATABASE_URL: url, EMBEDDED_DATABASE_DIR: dir } = app.config
    if (url === undefined && !embeddedDatabaseInstalled())
      throw new InvalidConfigError(
        'DATABASE_URL must be set: this installation has no embedded database (a development dependency, pruned from production builds): attach PostgreSQL and set DATABASE_URL to its URL',
      )
    // Said once as the database becomes unavailable, with why, and once as it comes back: not for
    // every request that gets its 503.
    let available = true
    const unavailable = (cause: unknown) => {
      if (available)
        app.log.warn({ err: cause }, 'The database is unavailable: requests that need it get 503')
      available = false
      return new DatabaseUnavailableError({ cause })
    }
    const availableAgain = () => {
      if (!available) app.log.info('The database is available again')
      available = true
    }
    let embedded: ReturnType<typeof startEmbeddedDatabase> | undefined
    let opened: Promise<pg.Pool> | undefined

    const connection = async (): Promise<pg.ClientConfig> => {
      if (url !== undefined) return { connectionString: url }
      embedded ??= startEmbeddedDatabase(dir).catch((error) => {
        embedded = undefined
        throw error
      })
      return (await embedded).connection
    }
    const options = (connected: pg.ClientConfig): pg.PoolConfig => ({
      ...connected,
      application_name: app.service.name,
      connectionTimeoutMillis: app.config.DATABASE_CONNECT_TIMEOUT,
      // The server cancels a statement past its timeout; the client gives up a second later, for a
      // server that has stopped answering at all.
      statement_timeout: app.config.DATABASE_STATEMENT_TIMEOUT,
      query_timeout: app.config.DATABASE_STATEMENT_TIMEOUT + 1000,
      keepAlive: true,
      max: embedded === undefined ? app.config.DATABASE_POOL_SIZE : 1,
      // The embedded database's one connection stays open: it costs nothing to keep.
      idleTimeoutMillis: embedded === undefined ? 10_000 : 0,
    })
    const open = async () => {
      const connected = await connection()
      // Locally the embedded database is migrated as it opens; a real one only by the release.
      if (embedded !== undefined) await migrate(connected, app.service.name, app.config.MIGRATIONS_DIR)
      const { Pool } = await driver()
      const pool = new Pool(options(connected))
      // A connection that breaks while idle in the pool (the server restarted or terminated it) is
      // dropped from it; unheard, the error would end the process.
      pool.on('error', (error) => app.log.warn({ err: error }, 'An idle database connection was lost'))
      return pool
    }
    const pool = () => {
      opened ??= open().catch((error) => {
        opened = undefined
        throw unavailable(error)
      })
      return opened
    }

    app.decorate('db', {
      query: async <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
        const connected = await pool()
        try {
          const result = await connected.query<Row>(text, values)
          availableAgain()
          return result
        } catch (error) {
          throw isUnavailable(error, await driver()) ? unavailable(error) : error
        }
      },
      migrate: async () => migrate(await connection(), app.service.name, app.config.MIGRATIONS_DIR),
    })

    let checked: Promise<unknown> | undefined
    if (url === undefined) {
      app.log.info(
        `Database: the embedded one in ${dir}, opened on first use (set DATABASE_URL to use a server)`,
      )
      // The app's own, asked nothing here: unavailable from its last failure to its next answer.
      app.readiness.add('database unavailable', () => !available)
    } else {
      app.readiness.add('database unavailable', () =>
        app.db.query('SELECT 1').then(
          () => false,
          () => true,
        ),
      )
      let upToDate = false
      const pending = () => pool().then((pool) => pendingMigrations(pool, app.config.MIGRATIONS_DIR))
      app.readiness.add('migrations pending', async () => {
        if (upToDate) return false
        // Unknown while the database is unavailable, which is the reason given then.
        const count = await pending().catch(() => undefined)
        upToDate = count === 0
        return count !== undefined && count > 0
      })
      // Said once at startup, without waiting for the database: it may be down now and up later.
      app.addHook('onReady', (done) => {
        checked = pending().then(
          (count) => {
            if (count > 0)
              app.log.warn(
                `${count} database migrations pending: /ready answers 503 until the release applies them`,
              )
          },
          () => {},
        )
        done()
      })
    }

    app.addHook('onClose', async () => {
      await checked
      await (await opened?.catch(() => undefined))?.end()
      await (await embedded?.catch(() => undefined))?.stop()
    })
  },
  { name: 'database', dependencies: ['config', 'service', 'readiness'] },
)

// pg and postgrator take a tenth of a second to import: they are imported when first needed, so
// that an app that has not queried yet has not paid for them.
const driver = async () => (await import('pg')).default

// An error that says the database cannot answer now, not that the statement is wrong: no connection
// (refused, timed out, lost: pg's errors that carry no SQLSTATE), or a SQLSTATE of class 08
// (connection exception, but for 08P01, a statement whose values do not match), 28 (credentials
// refused, as while a platform rotates them), 53 (too many connections, out of memory or disk), 57
// (statement timeout, server shut down, session terminated), 3D000 (no such database) or 55000 (a
// database not accepting connections, as during maintenance).
function isUnavailable(error: unknown, { DatabaseError }: typeof pg) {
  if (error instanceof TypeError) return false
  if (!(error instanceof DatabaseError)) return true
  return unavailableStates.test(String(error.code))
}
const unavailableStates = /^(08(?!P01)|28|53|57)|^(3D000|55000)$/

async function postgrator(
  client: pg.ClientBase | pg.Pool,
  migrations: string,
  database: string,
  schema: string,
) {
  const { default: Postgrator } = await import('postgrator')
  return new Postgrator({
    migrationPattern: `${projectPath(migrations)}/*.sql`,
    driver: 'pg',
    database,
    currentSchema: schema,
    execQuery: (sql) => client.query(sql),
  })
}

/**
 * Applies the migrations not yet applied, in one transaction, on a connection of its own with no
 * statement timeout (a migration may take long). The lock is the transaction's: a second release
 * waits for it, then finds nothing left to do. An error ends the connection, which rolls it all back.
 */
async function migrate(connection: pg.ClientConfig, applicationName: string, migrations: string) {
  const { Client } = await driver()
  const client = new Client({ ...connection, application_name: `${applicationName} release` })
  // A connection lost between two statements: the next one fails, and says so.
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query('BEGIN')
    const { rows } = await client.query<{ database: string; schema: string }>(
      `SELECT current_database() AS database, current_schema() AS schema,
              pg_advisory_xact_lock(hashtext(current_schema() || '.schemaversion'))`,
    )
    const { database, schema } = rows[0] as { database: string; schema: string }
    const applied = await (await postgrator(client, migrations, database, schema)).migrate()
    await client.query('COMMIT')
    return applied.map(({ version }) => version)
  } finally {
    await client.end()
  }
}

/**
 * How many migrations the database has not applied. On the pool, a query at a time: a connection
 * checked out of it would have no listener for its errors between queries.
 */
async function pendingMigrations(pool: pg.Pool, migrations: string) {
  const { rows } = await pool.query('SELECT current_database() AS database, current_schema() AS schema')
  const { database, schema } = rows[0] as { database: string; schema: string }
  const files = await postgrator(pool, migrations, database, schema)
  const version = await files.getDatabaseVersion()
  const all = await files.getMigrations()
  return all.filter((migration) => migration.action === 'do' && migration.version > version).length
}
