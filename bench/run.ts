import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { cpus, platform, totalmem } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type autocannon from 'autocannon'
import { connections, type Log, load, median, type Program, start } from './harness.js'
import {
  type Figures,
  type LoggingSummary,
  loggingLine,
  metrics,
  type Ratio,
  type Summary,
  table,
} from './table.js'

// npm run bench: this app and a bare Fastify baseline (bench/baseline.ts), each a fresh process on a
// free loopback port, measured in turn, round after round; between them, the baseline logging each
// request as the app does, to tell what logging costs from what the rest costs. Absolute figures
// from a shared machine are noise; the ratio app/baseline within a round is the figure, and its
// median over the rounds the result. `-- --quick` is a smoke run of a few seconds; `-- --rounds N`, `-- --output FILE`.

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    // Not tracked by git: a run changes nothing that is committed. docs/performance.md holds the
    // table of the last full run.
    output: { type: 'string', default: fileURLToPath(new URL('../../bench/results.json', import.meta.url)) },
  },
})

const profile = {
  ...{ rounds: 5, seconds: 4, warmupSeconds: 1, fixedLoad: 10_000 },
  ...(args.quick && { rounds: 1, seconds: 0.3, warmupSeconds: 0.2, fixedLoad: 1_000 }),
}
const rounds = Number(args.rounds ?? profile.rounds)
const orders = [
  ['baseline', 'logging', 'app'],
  ['app', 'logging', 'baseline'],
] as const

interface Logged {
  answered: number
  logLines: number
}
interface Run extends Figures, Logged {}
type LoggingRun = Pick<Figures, 'getRps' | 'getP99Ms'> & Logged
type Round = { app: Run; baseline: Run; logging: LoggingRun }

const perRound: Round[] = []
for (let round = 1; round <= rounds; round++) {
  // A B, then B A: whatever favours the first or the last of a round favours each program equally.
  const measured: Partial<Round> = {}
  for (const program of orders[round % 2] as (typeof orders)[number]) {
    if (program === 'logging') measured.logging = await measureLogging()
    else measured[program] = await measure(program)
  }
  const { app, baseline, logging } = measured as Round
  perRound.push({ app, baseline, logging })
  console.error(
    `round ${round}/${rounds}: GET / at ${(app.getRps / baseline.getRps).toFixed(2)} x the baseline`,
  )
}

const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} x ${cpus().map((cpu) => cpu.model.trim())[0]}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()}`,
  node: process.version,
  profile: { ...profile, rounds, connections },
  summary: Object.fromEntries(metrics.map(({ key }) => [key, summarise(key)])),
  logging: {
    getRps: median(perRound.map(({ logging }) => logging.getRps)),
    vsBaseline: ratios(perRound.map(({ logging, baseline }) => logging.getRps / baseline.getRps)),
    appVsLogging: ratios(perRound.map(({ app, logging }) => app.getRps / logging.getRps)),
  } satisfies LoggingSummary,
  // Proof that the app logged as production does: one line per answered request.
  appLogLinesPerRequest: median(perRound.map(({ app }) => app.logLines / app.answered)),
  perRound,
}
writeFileSync(args.output, `${JSON.stringify(results, null, 2)}\n`)
console.log(table(results.summary as Record<keyof Figures, Summary>))
console.log(`\n${loggingLine(results.logging)}`)
console.log(
  `\n${results.date.slice(0, 10)}, ${results.machine}, Node ${results.node}, ${rounds} rounds;`,
  `the app logged ${results.appLogLinesPerRequest.toFixed(3)} lines per request.`,
)

/** Starts the program as production runs it, loads it, stops it, and returns what it measured. */
async function measure(program: Program): Promise<Run> {
  const { port, child, exited, log, startupMs, rssMb } = await start(program)

  const get = { url: `http://127.0.0.1:${port}/` }
  const post = {
    url: `http://127.0.0.1:${port}/bench/echo`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Measure it' }),
  }
  const warmup = [await load({ ...get, duration: profile.warmupSeconds })]
  warmup.push(await load({ ...post, duration: profile.warmupSeconds }))
  const rssAfterWarmupMb = rssMb()
  const gets = await load({ ...get, duration: profile.seconds })
  const posts = await load({ ...post, duration: profile.seconds })
  const fixed = [
    await load({ ...get, amount: profile.fixedLoad }),
    await load({ ...post, amount: profile.fixedLoad }),
  ]
  const rssAfterLoadMb = rssMb()

  await sleep(1_100) // past the drain's idle grace, so that the shutdown measured is an idle one
  const stopping = performance.now()
  child.kill('SIGTERM')
  const code = await exited
  const shutdownMs = performance.now() - stopping
  assert.equal(code, 0, `${program} exited with ${code}`)

  return {
    getRps: gets.requests.average,
    getP99Ms: gets.latency.p99,
    postRps: posts.requests.average,
    postP99Ms: posts.latency.p99,
    startupMs,
    shutdownMs,
    rssAfterWarmupMb,
    rssAfterLoadMb,
    ...(await logged(program, log, [...warmup, gets, posts, ...fixed])),
  }
}

/** Bare Fastify logging as the app does, on GET / alone: what logging costs, apart from the rest. */
async function measureLogging(): Promise<LoggingRun> {
  const { port, child, exited, log } = await start('logging')
  const get = { url: `http://127.0.0.1:${port}/` }
  const warmup = await load({ ...get, duration: profile.warmupSeconds })
  const gets = await load({ ...get, duration: profile.seconds })
  child.kill('SIGTERM')
  assert.equal(await exited, 0, 'logging exited with an error')
  return {
    getRps: gets.requests.average,
    getP99Ms: gets.latency.p99,
    ...(await logged('logging', log, [warmup, gets])),
  }
}

// A program that logs is measured logging as in production: a line for every request it answered (a
// few more come from requests answered after the load generator stopped counting).
async function logged(program: Program, log: Log, loads: autocannon.Result[]): Promise<Logged> {
  await log.ended
  const answered = loads.reduce((sum, result) => sum + result['2xx'], 0)
  const logLines = log.requestLines
  assert.ok(
    program === 'baseline' || logLines >= answered,
    `${program} logged ${logLines} lines for ${answered} requests`,
  )
  return { answered, logLines }
}

function summarise(key: keyof Figures): Summary {
  return {
    app: median(perRound.map((round) => round.app[key])),
    baseline: median(perRound.map((round) => round.baseline[key])),
    ...ratios(perRound.map((round) => round.app[key] / round.baseline[key])),
  }
}

function ratios(perRound: number[]): Ratio {
  return { ratio: median(perRound), ratioMin: Math.min(...perRound), ratioMax: Math.max(...perRound) }
}
