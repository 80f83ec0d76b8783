import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { median, start } from './harness.js'

// npm run bench:attacks: what a hostile client could once do to the server, each measured on the
// compiled server, as production runs it, and checked against its bound. Figures of time and memory
// belong here, not in the tests: the tests check what happens, this checks how much and how fast.

await pipelinedAndNeverRead()
await hostileBodies()
await stopWithHalfSentConnection()
await stopWithStalledLogReader()

// Four connections each send 1,500 requests for a 90 KB answer in one burst and read nothing, on a
// server given a small dyno's heap: it lives, and grows by less than 100 MB.
async function pipelinedAndNeverRead() {
  const app = await start('app', { nodeOptions: ['--max-old-space-size=256'] })
  const before = app.rssMb()
  let peak = before
  const sockets = Array.from({ length: 4 }, () => connect(app.port, '127.0.0.1'))
  for (const socket of sockets) {
    socket.on('error', () => {})
    socket.pause()
    socket.write('GET /bench/large HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(1500))
  }
  for (let i = 0; i < 30; i++) {
    await sleep(100)
    peak = Math.max(peak, app.rssMb())
  }
  const health = await fetch(`http://127.0.0.1:${app.port}/health`)
  for (const socket of sockets) socket.destroy()
  report('pipelined requests never read', `RSS ${before.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`)
  assert.equal(health.status, 200, 'the server lives')
  assert.ok(peak - before < 100, `the server grew by ${(peak - before).toFixed(0)} MB`)
  await stop(app)
}

// Twenty bodies at once that cost the most to parse, each just under the body limit, while /health
// is asked ten times: its slowest answer is measured on the app and on bare Fastify under the same
// attack, three rounds each, alternating. The bound is a ratio of the medians: absolute times on a
// shared machine are noise (a busy runner once took 304 ms where a quiet one takes 80).
async function hostileBodies() {
  const slowest: Record<'app' | 'baseline', number[]> = { app: [], baseline: [] }
  for (let round = 0; round < 3; round++) {
    for (const program of ['app', 'baseline'] as const) {
      const { ms, statuses } = await slowestHealthUnderHostileBodies(program)
      slowest[program].push(ms)
      assert.deepEqual(statuses, [400], `${program}: each refused with a 400`)
    }
  }
  const ratio = median(slowest.app) / median(slowest.baseline)
  report(
    'twenty hostile bodies at once',
    `slowest /health ${slowest.app.map(Math.round).join('/')} ms, bare Fastify ` +
      `${slowest.baseline.map(Math.round).join('/')} ms: ${ratio.toFixed(2)} x; answered 400`,
  )
  assert.ok(ratio < 2, 'the app held /health up longer than bare Fastify does')
}

async function slowestHealthUnderHostileBodies(program: 'app' | 'baseline') {
  const app = await start(program)
  const nested = `${'['.repeat(50_000)}${']'.repeat(50_000)}`
  const manyKeys = `{${Array.from({ length: 9_000 }, (_, i) => `"k${i}":1`).join(',')}}`
  const post = (body: string) =>
    fetch(`http://127.0.0.1:${app.port}/bench/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }).then((res) => res.status)
  const bodies = Array.from({ length: 20 }, (_, i) => post(i % 2 ? nested : manyKeys))
  let ms = 0
  for (let i = 0; i < 10; i++) {
    const sent = performance.now()
    await fetch(`http://127.0.0.1:${app.port}/health`)
    ms = Math.max(ms, performance.now() - sent)
  }
  const statuses = [...new Set(await Promise.all(bodies))]
  await stop(app)
  return { ms, statuses }
}

// A connection that has sent nothing and one halfway through its headers: SIGTERM exits 0 within
// the drain's one-second grace.
async function stopWithHalfSentConnection() {
  const app = await start('app')
  const silent = connect(app.port, '127.0.0.1')
  const halfway = connect(app.port, '127.0.0.1')
  for (const socket of [silent, halfway]) socket.on('error', () => {})
  halfway.write('GET / HTTP/1.1\r\nHost: x\r\nX-Half: ')
  await Promise.all([once(silent, 'connect'), once(halfway, 'connect')])
  await fetch(`http://127.0.0.1:${app.port}/health`)
  const { code, ms } = await stop(app)
  report('SIGTERM with half-sent connections', `exit ${code} in ${ms.toFixed(0)} ms`)
  assert.equal(code, 0)
  assert.ok(ms < 1500, 'the stop waited on them')
}

// Nobody reads the server's stdout: SIGTERM still ends it within SHUTDOWN_TIMEOUT and a second.
async function stopWithStalledLogReader() {
  const app = await start('app', { env: { SHUTDOWN_TIMEOUT: '4000' } })
  app.child.stdout.pause()
  const url = `http://127.0.0.1:${app.port}/?padding=${'x'.repeat(2000)}`
  for (let i = 0; i < 3000; i++) await fetch(url)
  const { code, ms } = await stop(app)
  report('SIGTERM with a stalled log reader', `exit ${code} in ${ms.toFixed(0)} ms`)
  assert.equal(code, 0)
  assert.ok(ms < 5000, 'the stop waited on the log reader')
}

async function stop({ child, exited }: Awaited<ReturnType<typeof start>>) {
  const signalled = performance.now()
  child.kill('SIGTERM')
  const code = await exited
  return { code, ms: performance.now() - signalled }
}

function report(name: string, figures: string) {
  console.log(`${name}: ${figures}`)
}
