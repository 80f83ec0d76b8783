import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { load, type Program, start } from './harness.js'

// npm run bench:instructions: what each program spends on a request, counted in CPU instructions by
// valgrind's callgrind (Debian package valgrind). Unlike time, the count hardly varies with what else
// the machine is doing: two runs agree within a few percent where timed runs differ by 20%. Each
// program runs under callgrind, single-threaded so that V8's compiler and garbage collector work
// where they are counted; after a warm-up, counting is on for a fixed number of `GET /`, long enough
// to take in the garbage collections that logging brings. `-- --quick` is a smoke run.

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const { warmup, counted } = args.quick ? { warmup: 2_000, counted: 500 } : { warmup: 20_000, counted: 30_000 }

const counts: [Program, number][] = []
for (const program of ['baseline', 'logging', 'app'] as const) counts.push([program, await count(program)])

const [, baseline = Number.NaN] = counts[0] ?? []
for (const [program, perRequest] of counts)
  console.log(
    `${program.padEnd(8)} ${Math.round(perRequest).toLocaleString('en').padStart(8)} instructions per GET /,`,
    `${(perRequest / baseline).toFixed(2)} × bare Fastify`,
  )

async function count(program: Program) {
  const dir = mkdtempSync(join(tmpdir(), 'callgrind-'))
  const callgrind = [
    'valgrind',
    '--quiet',
    '--tool=callgrind',
    '--instr-atstart=no',
    `--callgrind-out-file=${dir}/out`,
  ]
  const { port, child, exited } = await start(program, {
    under: callgrind,
    nodeOptions: ['--single-threaded'],
  })
  const url = `http://127.0.0.1:${port}/`
  await load({ url, amount: warmup })
  const control = (...options: string[]) =>
    execFileSync('callgrind_control', [...options, String(child.pid)], { stdio: 'ignore' })
  control('--instr=on')
  await load({ url, amount: counted })
  control('--dump')
  control('--instr=off')
  child.kill('SIGKILL')
  await exited
  // The dump after the counted requests: what they cost, and nothing of the start or the warm-up.
  const totals = readdirSync(dir).flatMap((file) =>
    [...readFileSync(join(dir, file), 'utf8').matchAll(/^summary: (\d+)/gm)].map((m) => Number(m[1])),
  )
  rmSync(dir, { recursive: true, force: true })
  const perRequest = totals.reduce((sum, total) => sum + total, 0) / counted
  assert.ok(perRequest > 0, `callgrind counted nothing for ${program}`)
  return perRequest
}
