import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, platform, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { connections, load, type Program, start } from './harness.js'
import { type Figures, metrics, type Summary, table } from './table.js'

// npm run bench: this app and a bare Fastify baseline (bench/baseline.ts), each a fresh process on a
// free loopback port, measured alternately A B A B, round after round. Absolute figures from a shared
// machine are noise; the ratio app/baseline within a round is the figure, and its median over the
// rounds the result. `-- --quick` is a smoke run of a few seconds; `-- --rounds N`, `-- --output FILE`.

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    output: { type: 'string', default: fileURLToPath(new URL('../../bench/results.json', import.meta.url)) },
  },
})

const profile = {
  ...{ rounds: 5, seconds: 4, warmupSeconds: 1, fixedLoad: 20_000 },
  ...(args.quick && { rounds: 1, seconds: 0.3, warmupSeconds: 0.2, fixedLoad: 1_000 }),
}
const rounds = Number(args.rounds ?? profile.rounds)
const orders = [
  ['baseline', 'app'],
  ['app', 'baseline'],
] as const

interface Run extends Figures {
  answered: number
  logLines: number
}

const logs = mkdtempSync(join(tmpdir(), 'bench-'))
const perRound: Record<Program, Run>[] = []
for (let round = 1; round <= rounds; round++) {
  // A B, then B A: whatever favours the first or the second of a pair favours each program equally.
  const measured: Partial<Record<Program, Run>> = {}
  for (const program of orders[round % 2] as (typeof orders)[number])
    measured[program] = await measure(program)
  const { app, baseline } = measured as Record<Program, Run>
  perRound.push({ app, baseline })
  console.error(
    `round ${round}/${rounds}: GET / at ${(app.getRps / baseline.getRps).toFixed(2)} x the baseline`,
  )
}
rmSync(logs, { recursive: true, force: true })

const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} x ${cpus().map((cpu) => cpu.model.trim())[0]}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()}`,
  node: process.version,
  profile: { ...profile, rounds, connections },
  summary: Object.fromEntries(metrics.map(({ key }) => [key, summarise(key)])),
  // Proof that the app logged as production does: one line per answered request.
  appLogLinesPerRequest: median(perRound.map(({ app }) => app.logLines / app.answered)),
  perRound,
}
writeFileSync(args.output, `${JSON.stringify(results, null, 2)}\n`)
console.log(table(results.summary as Record<keyof Figures, Summary>))
console.log(
  `\n${results.date.slice(0, 10)}, ${results.machine}, Node ${results.node}, ${rounds} rounds;`,
  `the app logged ${results.appLogLinesPerRequest.toFixed(3)} lines per request.`,
)

/** Starts the program as production runs it, loads it, stops it, and returns what it measured. */
async function measure(program: Program): Promise<Run> {
  const logFile = join(logs, `${program}.log`)
  const { port, child, exited, startupMs, rssMb } = await start(program, logFile)

  const get = { url: `http://127.0.0.1:${port}/` }
  const post = {
    url: `http://127.0.0.1:${port}/todos`,
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

  const answered = [...warmup, gets, posts, ...fixed].reduce((sum, result) => sum + result['2xx'], 0)
  const logLines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('request completed'))
  // The app is measured logging as in production: a line for every request it answered (a few more
  // come from requests answered after the load generator stopped counting).
  const logged = logLines.length >= answered
  assert.ok(
    program === 'baseline' || logged,
    `${program} logged ${logLines.length} lines for ${answered} requests`,
  )
  return {
    getRps: gets.requests.average,
    getP99Ms: gets.latency.p99,
    postRps: posts.requests.average,
    postP99Ms: posts.latency.p99,
    startupMs,
    shutdownMs,
    rssAfterWarmupMb,
    rssAfterLoadMb,
    answered,
    logLines: logLines.length,
  }
}

function summarise(key: keyof Figures): Summary {
  const ratios = perRound.map((round) => round.app[key] / round.baseline[key])
  return {
    app: median(perRound.map((round) => round.app[key])),
    baseline: median(perRound.map((round) => round.baseline[key])),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  }
}

/** The middle value; of an even number of rounds, the lower of the two in the middle. */
function median(values: number[]) {
  return [...values].sort((a, b) => a - b)[(values.length - 1) >> 1] as number
}
