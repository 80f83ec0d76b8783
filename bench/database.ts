import assert from 'node:assert/strict'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { load, median, type Program, start } from './harness.js'

// npm run bench:database: GET /bench/rows (bench/database-routes.ts), twenty rows read from
// PostgreSQL, in the app and in bare Fastify with a pool like the app's, each a fresh process,
// measured in turn, round after round (A B, then B A), as npm run bench measures GET /. The figure is
// the ratio app/baseline of requests per second within a round, its median over the rounds the
// result. The server is BENCH_DATABASE_URL's, postgres://postgres@127.0.0.1:5432/postgres by
// default: the run makes a database of its own there, and drops it after. `-- --quick`: a smoke run.

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const { rounds, seconds } = args.quick ? { rounds: 1, seconds: 0.3 } : { rounds: 6, seconds: 4 }

const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const database = `bench_${process.pid}`
const url = new URL(server)
url.pathname = `/${database}`

await sql(server, `CREATE DATABASE ${database}`)
try {
  await sql(
    url.href,
    `CREATE TABLE bench_rows (id int PRIMARY KEY, title text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
     INSERT INTO bench_rows (id, title) SELECT i, 'row ' || i FROM generate_series(1, 100) i`,
  )
  const ratios: number[] = []
  const rps: Record<string, number[]> = { app: [], baseline: [] }
  for (let round = 1; round <= rounds; round++) {
    const order: Program[] = round % 2 ? ['baseline', 'app'] : ['app', 'baseline']
    const measured: Record<string, number> = {}
    for (const program of order) measured[program] = await measure(program)
    ratios.push((measured.app as number) / (measured.baseline as number))
    for (const program of order) rps[program]?.push(measured[program] as number)
    console.error(`round ${round}/${rounds}: GET /bench/rows at ${ratios.at(-1)?.toFixed(2)} x the baseline`)
  }
  const [low, high] = [Math.min(...ratios), Math.max(...ratios)].map((ratio) => ratio.toFixed(2))
  console.log(
    `GET /bench/rows (20 rows from PostgreSQL): app ${median(rps.app as number[]).toFixed(0)} requests/s,`,
    `bare Fastify with the same query and pool ${median(rps.baseline as number[]).toFixed(0)};`,
    `app/baseline ${median(ratios).toFixed(2)} (${low}–${high}) over ${rounds} rounds`,
  )
} finally {
  await sql(server, `DROP DATABASE ${database} WITH (FORCE)`)
}

/** Requests per second the program answers on GET /bench/rows, after a warm-up. */
async function measure(program: Program) {
  const env = { DATABASE_URL: url.href, BENCH_DATABASE_URL: url.href }
  const { port, child, exited } = await start(program, { env, preload: ['./database-routes.js'] })
  const get = { url: `http://127.0.0.1:${port}/bench/rows` }
  await load({ ...get, duration: Math.min(1, seconds) })
  const result = await load({ ...get, duration: seconds })
  child.kill('SIGTERM')
  assert.equal(await exited, 0, `${program} exited with an error`)
  return result.requests.average
}

async function sql(connectionString: string, text: string) {
  const client = new pg.Client(connectionString)
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}
