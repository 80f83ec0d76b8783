import { subscribe } from 'node:diagnostics_channel'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { ConfigSchema } from '../plugins/config.js'

// Preloaded by npm run bench:database into the app and into bare Fastify: GET /bench/rows, twenty
// rows of a table in PostgreSQL (BENCH_DATABASE_URL), serialised by one schema, read with the app's
// own `app.db.query` where the program has it, and otherwise with a pool of the size and timeouts
// the app's has by default: the same query on the same pool, with or without the starter around it.

const Rows = {
  type: 'array',
  items: {
    type: 'object',
    properties: { id: { type: 'integer' }, title: { type: 'string' }, createdAt: { type: 'string' } },
    required: ['id', 'title', 'createdAt'],
    additionalProperties: false,
  },
} as const
const rows = 'SELECT id, title, created_at AS "createdAt" FROM bench_rows ORDER BY id LIMIT $1'
type Query = (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>

subscribe('fastify.initialization', (message) => {
  const app = (message as { fastify: FastifyInstance & { db?: { query: Query } } }).fastify
  let query: Query | undefined
  app.get('/bench/rows', { schema: { response: { 200: Rows } } }, async () => {
    query ??= app.db?.query ?? poolLikeTheApps()
    return (await query(rows, [20])).rows
  })
})

function poolLikeTheApps(): Query {
  const { properties } = ConfigSchema
  const pool = new pg.Pool({
    connectionString: process.env.BENCH_DATABASE_URL,
    max: properties.DATABASE_POOL_SIZE.default,
    connectionTimeoutMillis: properties.DATABASE_CONNECT_TIMEOUT.default,
    statement_timeout: properties.DATABASE_STATEMENT_TIMEOUT.default,
    query_timeout: properties.DATABASE_STATEMENT_TIMEOUT.default + 1000,
    keepAlive: true,
  })
  return (text, values) => pool.query(text, values)
}
