import t from 'tap'
import { logged, startServer, stop } from '../server-process.js'

// The program that reads the server's stdout (a platform's log router, a pipe into pino-pretty) may
// stall or go away, before or during a stop. Whatever it does, the server serves and stops.
t.jobs = 4

const slowRoute = { fixtures: ['slow-route' as const] }

async function requests(port: number, count: number, path = '/') {
  const statuses = []
  for (let i = 0; i < count; i++) statuses.push((await fetch(`http://127.0.0.1:${port}${path}`)).status)
  return statuses
}

t.test('with its log reader gone, the server goes on serving, and SIGTERM ends it', async (t) => {
  const server = await startServer(t)
  server.child.stdout.destroy()
  t.same(await requests(server.port, 200), Array(200).fill(200), 'every request answered')
  t.equal(await stop(server), 0)
})

t.test('with its log reader gone during a drain, a second SIGINT ends it at once', async (t) => {
  const server = await startServer(t, slowRoute)
  fetch(`http://127.0.0.1:${server.port}/slow/60000`).catch(() => {})
  await logged(server, 'slow request started')
  server.child.kill('SIGINT')
  await logged(server, 'SIGINT: draining (press Ctrl-C again to exit at once)')
  server.child.stdout.destroy()
  await requests(server.port, 20, '/health').catch(() => {}) // refused: the listener has closed
  t.equal(await stop(server, 'SIGINT'), 130)
})

t.test(
  'with its log reader stalled, the server serves, drops lines, and says so when it reads again',
  async (t) => {
    const server = await startServer(t)
    server.child.stdout.pause()
    const longPath = `/?padding=${'x'.repeat(2000)}` // a 2 KiB log line: the 4 MiB queue fills sooner
    t.same(await requests(server.port, 3000, longPath), Array(3000).fill(200), 'every request answered')
    server.child.stdout.resume()
    await requests(server.port, 5)
    const report = await logged(server, (log) => log.level === 40 && log.dropped !== undefined)
    t.match(report, { msg: /^\d+ log lines were dropped: stdout could not take them$/, dropped: Number })
    t.ok((report.dropped as number) > 0, 'some were dropped')
    t.equal(await stop(server), 0)
    const times = server.logs.map((log) => log.time as number)
    t.same(
      times,
      [...times].sort((a, b) => a - b),
      'every line written in the order it was logged',
    )
  },
)

t.test('with its log reader stalled, SIGTERM ends the server', async (t) => {
  const server = await startServer(t)
  server.child.stdout.pause()
  await requests(server.port, 3000, `/?padding=${'x'.repeat(2000)}`)
  t.equal(await stop(server), 0)
})
