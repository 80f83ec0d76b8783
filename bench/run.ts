import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { cpus, platform, totalmem } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type autocannon from 'autocannon'
import { connections, type Log, load, median, type Program, start } from './harness.js'
import { type Figures, metrics, type Ratio, type Summary, tables } from './table.js'

// npm run bench: this app beside bare Fastify (bench/baseline.ts) as the baseline, bare Fastify
// logging as Fastify does by default (`logger: true`, two lines a request), bare Fastify logging the
// app's one line (what logging alone costs, apart from the rest of the starter), and, in a full run,
// the official CLI template (bench/cli-template.ts). Each a fresh process on a free loopback port,
// measured in turn, round after round. Absolute figures from a shared machine are noise; the ratio of
// the app to each within a round is the figure, and its median over the rounds the result.
// `-- --quick` is a smoke run of a few seconds, without the template; `-- --rounds N`,
// `-- --output FILE`.

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    // Not tracked by git: a run changes nothing that is committed. docs/performance.md holds the
    // tables of the last full run.
    output: { type: 'string', default: fileURLToPath(new URL('../../bench/results.json', import.meta.url)) },
  },
})

const profile = {
  ...{ rounds: 5, seconds: 4, warmupSeconds: 1, fixedLoad: 10_000 },
  ...(args.quick && { rounds: 1, seconds: 0.3, warmupSeconds: 0.2, fixedLoad: 1_000 }),
}
const rounds = Number(args.rounds ?? profile.rounds)
const programs: Program[] = [
  'app',
  'baseline',
  'logger',
  'logging',
  ...(args.quick ? [] : ['template' as const]),
]

interface Logged {
  answered: number
  logLines: number
}
interface Run extends Figures, Logged {}
type Round = Partial<Record<Program, Run>>

const perRound: Round[] = []
for (let round = 1; round <= rounds; round++) {
  // In turn, then in reverse: whatever favours the first or the last of a round favours none.
  const measured: Round = {}
  for (const program of round % 2 ? programs : [...programs].reverse())
    measured[program] = await measure(program)
  perRound.push(measured)
  const get = (program: Program) => (measured.app as Run).getRps / (measured[program] as Run).getRps
  console.error(
    `round ${round}/${rounds}: GET / at ${get('baseline').toFixed(2)} x bare Fastify, ${get('logger').toFixed(2)} x logger: true`,
  )
}

const summary = Object.fromEntries(metrics.map(({ key }) => [key, summarise(key)])) as Record<
  keyof Figures,
  Summary
>
const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} x ${cpus().map((cpu) => cpu.model.trim())[0]}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()}`,
  node: process.version,
  profile: { ...profile, rounds, connections },
  programs,
  summary,
  // Proof that the app logged as production does: one line per answered request.
  appLogLinesPerRequest: median(perRound.map(({ app }) => (app as Run).logLines / (app as Run).answered)),
  perRound,
}
writeFileSync(args.output, `${JSON.stringify(results, null, 2)}\n`)
console.log(tables(summary, programs))
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
  const of = (program: Program) => perRound.map((round) => (round[program] as Run)[key])
  const app = of('app')
  return {
    medians: Object.fromEntries(programs.map((program) => [program, median(of(program))])),
    vs: Object.fromEntries(
      programs
        .filter((program) => program !== 'app')
        .map((program) => [
          program,
          ratios(of(program).map((value, round) => (app[round] as number) / value)),
        ]),
    ),
  }
}

function ratios(perRound: number[]): Ratio {
  return { ratio: median(perRound), ratioMin: Math.min(...perRound), ratioMax: Math.max(...perRound) }
}
