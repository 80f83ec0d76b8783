import { randomUUID } from 'node:crypto'
import t from 'tap'
import { logged, startServer, stop } from '../server-process.js'

// Each test runs its own server process, mostly waiting on it: run several at once.
t.jobs = 4

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('logs one JSON line per request, with method, url, status, response time and id', async (t) => {
  const server = await startServer(t)
  const id = `abc-123-${randomUUID()}`
  const res = await fetch(`http://127.0.0.1:${server.port}/?page=2`, { headers: { 'x-request-id': id } })
  t.equal(res.headers.get('x-request-id'), id, 'the id is echoed')
  const line = await logged(server, (log) => log.reqId === id)
  t.match(line, {
    level: 30,
    msg: 'request completed',
    reqId: id,
    req: { method: 'GET', url: '/?page=2', remoteAddress: /127\.0\.0\.1$/ },
    res: { statusCode: 200 },
    responseTime: Number,
  })
  await stop(server)
  t.equal(server.logs.filter((log) => log.reqId === id).length, 1, 'one line, not two')
})

t.test('replaces a forged or oversized request id with its own', async (t) => {
  const server = await startServer(t)
  for (const forged of ['a'.repeat(201), 'id with spaces', '"><script>', 'ünïcode']) {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { 'x-request-id': forged } })
    const id = res.headers.get('x-request-id') ?? ''
    t.match(id, uuid, `${JSON.stringify(forged.slice(0, 20))} is replaced`)
    t.equal((await logged(server, (log) => log.reqId === id)).msg, 'request completed')
  }
  await stop(server)
  t.notMatch(server.stdout(), /script|spaces|aaaaaaaaaa|ünïcode/, 'the forged ids never reach the logs')
})

t.test('never logs credentials, even at trace level', async (t) => {
  const server = await startServer(t, { env: { LOG_LEVEL: 'trace' } })
  const headers = { authorization: 'secret-token', cookie: 'session=secret-cookie' }
  for (const path of ['/', '/health', '/missing']) {
    await fetch(`http://127.0.0.1:${server.port}${path}`, { headers })
  }
  await logged(server, (log) => (log.req as { url?: string } | undefined)?.url === '/missing')
  await stop(server)
  t.notMatch(server.stdout(), /secret/)
})

t.test('health probes do not drown the request log', async (t) => {
  const server = await startServer(t)
  for (let i = 0; i < 3; i++) t.equal((await fetch(`http://127.0.0.1:${server.port}/health`)).status, 200)
  await fetch(`http://127.0.0.1:${server.port}/`)
  await logged(server, 'request completed')
  await stop(server)
  const urls = server.logs.map((log) => (log.req as { url?: string } | undefined)?.url).filter(Boolean)
  t.same(urls, ['/'])
})
