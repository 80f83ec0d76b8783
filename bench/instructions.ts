import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { load, type Program, start } from './harness.js'

// npm run bench:instructions: what each program spends to start and on a request, counted in CPU
// instructions by valgrind's callgrind (Debian package valgrind). Unlike time, the count hardly
// varies with what else the machine is doing: runs agree within a few percent where timed runs
// differ by 20%. Each program runs under callgrind, single-threaded so that V8's compiler and garbage
// collector work where they are counted; after a warm-up, counting is on for a fixed number of
// `GET /`, long enough to take in the garbage collections that logging brings. `-- --quick` is a
// smoke run; neither is in CI, for valgrind makes each start take half a minute.

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const { warmup, counted } = args.quick ? { warmup: 2_000, counted: 500 } : { warmup: 20_000, counted: 30_000 }

interface Count {
  program: Program
  startup: number
  perRequest: number
}
const programs = ['baseline', 'logger', 'logging', 'modules', 'app'] as const
const counts = {} as Record<(typeof programs)[number], Count>
for (const program of programs) counts[program] = await count(program)

const figure = (value: number, of: number) =>
  `${Math.round(value).toLocaleString('en').padStart(13)} ${(value / of).toFixed(2)} ×`
console.log('program          to listening, ×  bare          per GET /, ×  bare')
for (const { program, startup, perRequest } of Object.values(counts))
  console.log(
    program.padEnd(8),
    figure(startup, counts.baseline.startup),
    figure(perRequest, counts.baseline.perRequest),
  )

// The app against Fastify's default logging (two lines a request) and against bare Fastify logging
// the app's one line, with the targets of docs/performance.md.
const { app, logger, logging, modules } = counts
const against = (value: number, of: number, target: number) =>
  `${(value / of).toFixed(2)} × (target ≤ ${target}: ${value / of <= target ? 'met' : 'missed'})`
console.log(
  `\nThe app to listening: ${against(app.startup, logger.startup, 1.1)} bare Fastify with logger: true.`,
  `\nThe app per GET /: ${against(app.perRequest, logger.perRequest, 0.8)} bare Fastify with logger: true,`,
  `${against(app.perRequest, logging.perRequest, 1.05)} bare Fastify logging the app's line.`,
  `\nBundled, the app to listening: ${(app.startup / modules.startup).toFixed(2)} × the app not bundled.`,
)

/** The instructions from spawn to listening, then those of the counted requests, each dumped apart. */
async function count(program: Program): Promise<Count> {
  const dir = mkdtempSync(join(tmpdir(), 'callgrind-'))
  const out = join(dir, 'out')
  const callgrind = ['valgrind', '--quiet', '--tool=callgrind', `--callgrind-out-file=${out}`]
  // Under callgrind the event loop runs fifty times slower than it does, and valgrind's own memory
  // counts in the process's: the app's load shedding would take either for overload, so it is off
  // here (its hook still runs on every request).
  const { port, child, exited } = await start(program, {
    under: callgrind,
    nodeOptions: ['--single-threaded'],
    env: { OVERLOAD_EVENT_LOOP_DELAY: '0', OVERLOAD_RSS: '0', OVERLOAD_HEAP_USED: '0' },
  })
  const control = (...options: string[]) =>
    execFileSync('callgrind_control', [...options, String(child.pid)], { stdio: 'ignore' })
  // Dump 1: spawn to listening. Then nothing is counted through the warm-up, and dump 2 holds the
  // counted requests alone (zeroed explicitly: switching counting back on does not).
  control('--dump')
  control('--instr=off')
  const url = `http://127.0.0.1:${port}/`
  // Under callgrind, a request that compiles a schema on first use (plugins/validation.ts), or one
  // that waits behind it, may take longer than autocannon's 10 seconds.
  const timeout = 120
  await load({ url, amount: warmup, timeout })
  control('--instr=on')
  control('--zero')
  await load({ url, amount: counted, timeout })
  control('--dump')
  child.kill('SIGKILL')
  await exited
  const [startup, requests] = [1, 2].map((dump) => {
    const [, total] = readFileSync(`${out}.${dump}`, 'utf8').match(/^summary: (\d+)/m) ?? []
    assert.ok(total, `callgrind counted nothing for ${program}`)
    return Number(total)
  }) as [number, number]
  rmSync(dir, { recursive: true, force: true })
  return { program, startup, perRequest: requests / counted }
}
