import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import t from 'tap'
import { logged, type ServerProcess, startServer, stop } from '../server-process.js'

// Each test runs its own server process, mostly waiting on it: run several at once.
t.jobs = 4

const slowRoute = { fixtures: ['slow-route' as const] }
const draining = 'Stopped accepting connections; draining the open ones'

// How fast a stop is, `npm run bench` measures: a test asserts what happens, never how long it took.
t.test('an idle server exits 0 on SIGTERM', async (t) => {
  const server = await startServer(t, { env: { SHUTDOWN_TIMEOUT: '60000' } })
  t.equal(await stop(server), 0)
})

t.test('a connection that has sent nothing, or half its headers, does not hold up the stop', async (t) => {
  const server = await startServer(t)
  const silent = connect(server.port, '127.0.0.1')
  const halfway = connect(server.port, '127.0.0.1')
  for (const socket of [silent, halfway]) socket.on('error', () => {})
  halfway.write('GET / HTTP/1.1\r\nHost: x\r\nX-Half: ')
  // Accepted before this later connection is answered.
  t.equal((await fetch(`http://127.0.0.1:${server.port}/health`)).status, 200)
  t.equal(await stop(server), 0)
  t.match(server.logs.at(-1), { msg: /^Stopped: 0 of 0 requests in flight drained in \d+ ms, exit code 0$/ })
})

// Every signal that would end the process drains it instead, and the last line says so.
for (const signal of [
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR2',
  'SIGALRM',
  'SIGVTALRM',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGPWR',
] as const) {
  t.test(`${signal} drains the server like SIGTERM`, async (t) => {
    const server = await startServer(t, slowRoute)
    // Slow enough to be still in flight when the signal comes, however late the line comes.
    const response = get(server, '/slow/3000')
    await logged(server, 'slow request started')
    const exit = stop(server, signal)
    t.equal((await response).status, 200)
    t.equal(await exit, 0)
    t.ok(server.logs.some((log) => log.msg === `${signal}: draining`))
    t.match(server.logs.at(-1), {
      msg: /^Stopped: 1 of 1 requests in flight drained in \d+ ms, exit code 0$/,
    })
  })
}

t.test('an idle server exits 0 on SIGINT', async (t) => {
  const server = await startServer(t)
  t.equal(await stop(server, 'SIGINT'), 0)
})

t.test('a request in flight at SIGTERM completes with its full body, then the server exits 0', async (t) => {
  const server = await startServer(t, slowRoute)
  const response = get(server, '/slow/300')
  await logged(server, 'slow request started')
  const exit = stop(server)
  const { status, headers, body } = await response
  t.equal(status, 200)
  t.equal(headers.connection, 'close', 'the connection closes after the response')
  t.same(JSON.parse(body), { waited: 300, padding: 'x'.repeat(64 * 1024) })
  t.equal(await exit, 0)
})

t.test('a repeated SIGTERM does not cut the drain short', async (t) => {
  const server = await startServer(t, slowRoute)
  const response = get(server, '/slow/2000')
  await logged(server, 'slow request started')
  const exit = stop(server)
  await logged(server, 'SIGTERM: draining')
  server.child.kill('SIGTERM')
  await logged(server, 'SIGTERM again: still draining')
  server.child.kill('SIGTERM')
  t.equal((await response).status, 200)
  t.equal(await exit, 0)
})

t.test('a second SIGINT exits at once, with 130', async (t) => {
  const server = await startServer(t, slowRoute)
  const cut = t.rejects(get(server, '/slow/60000'), 'the request in flight is cut short')
  await logged(server, 'slow request started')
  server.child.kill('SIGINT')
  await logged(server, 'SIGINT: draining (press Ctrl-C again to exit at once)')
  t.equal(await stop(server, 'SIGINT'), 130)
  await cut
})

t.test('a request on an open keep-alive connection after SIGTERM is answered, then closed', async (t) => {
  const server = await startServer(t, slowRoute)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const before = await get(server, '/', agent)
  t.equal(before.headers.connection, 'keep-alive')
  const exit = stop(server)
  await logged(server, draining)
  // Slower than the grace the drain gives an idle connection: the drain must see it is busy again.
  const after = await get(server, '/slow/1500', agent)
  t.equal(after.status, 200)
  t.equal(after.headers.connection, 'close')
  t.same(JSON.parse(after.body), { waited: 1500, padding: 'x'.repeat(64 * 1024) })
  t.equal(after.socketReused, true, 'sent on the connection opened before the signal')
  t.equal(await exit, 0)
})

t.test('a new connection after SIGTERM is refused, not left hanging', async (t) => {
  const server = await startServer(t, slowRoute)
  const inFlight = get(server, '/slow/500')
  await logged(server, 'slow request started')
  const exit = stop(server)
  await logged(server, draining)
  await t.rejects(get(server, '/'), { code: 'ECONNREFUSED' })
  t.equal((await inFlight).status, 200)
  t.equal(await exit, 0)
})

t.test('the drain is bounded by SHUTDOWN_TIMEOUT, which names what held it', async (t) => {
  const server = await startServer(t, { ...slowRoute, env: { SHUTDOWN_TIMEOUT: '200' } })
  get(server, '/slow/60000').catch(() => {})
  await logged(server, 'slow request started')
  t.equal(await stop(server), 1)
  const timedOut = server.logs.find((log) => log.level === 50)
  t.match(timedOut, {
    msg: 'Shutdown timed out after 200 ms with work still open',
    openRequests: ['GET /slow/60000'],
    openConnections: 1,
  })
  t.match(server.logs.at(-1), { msg: /^Stopped: 0 of 1 requests in flight drained in \d+ ms, exit code 1$/ })
})

t.test('an uncaught exception is logged in one line, then the server drains and exits 1', async (t) => {
  const server = await startServer(t, { fixtures: ['crash-routes', 'slow-route'] })
  const inFlight = get(server, '/slow/300')
  await logged(server, 'slow request started')
  await get(server, '/crash/throw')
  t.equal(await server.exited, 1)
  t.equal((await inFlight).status, 200, 'the request in flight still completes')
  const fatal = server.logs.filter((log) => log.level === 60)
  t.match(fatal, [
    { msg: 'Uncaught exception: draining, then exiting', err: { message: 'thrown outside the request' } },
  ])
})

t.test('no log line is lost when the process crashes: the buffered lines are written at exit', async (t) => {
  const server = await startServer(t, { fixtures: ['crash-routes'] })
  const ids = Array.from({ length: 5 }, (_, i) => `before-the-crash-${i}`)
  for (const id of ids) await get(server, '/', undefined, id)
  await get(server, '/crash/throw', undefined, 'the-crash')
  t.equal(await server.exited, 1)
  const logged = server.logs.filter((log) => log.msg === 'request completed').map((log) => log.reqId)
  t.same(logged, [...ids, 'the-crash'])
})

t.test('an unhandled rejection is logged in one line, then the server exits 1', async (t) => {
  const server = await startServer(t, { fixtures: ['crash-routes'] })
  await get(server, '/crash/reject')
  t.equal(await server.exited, 1)
  const fatal = server.logs.filter((log) => log.level === 60)
  t.match(fatal, [
    {
      msg: 'Unhandled rejection: draining, then exiting',
      err: { message: 'rejected with no one to catch it' },
    },
  ])
})

t.test('a plugin failing to close is logged, and the server exits 1', async (t) => {
  const server = await startServer(t, { fixtures: ['failing-close'] })
  t.equal(await stop(server), 1)
  t.match(
    server.logs.find((log) => log.level === 50),
    { msg: 'Closing failed', err: { message: 'pool failed to close' } },
  )
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  socketReused: boolean
}

function get(server: ServerProcess & { port: number }, path: string, agent?: Agent, id?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const headers = id === undefined ? {} : { 'x-request-id': id }
    const req = request(
      { host: '127.0.0.1', port: server.port, path, agent: agent ?? false, headers },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            socketReused: req.reusedSocket,
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}
