import { randomUUID } from 'node:crypto'
import t from 'tap'
import { ownRequestId as ownId } from '../helper.js'
import { logged, startServer, stop } from '../server-process.js'

// One server for the file, logging everything it can: each test sends its requests, then waits for
// the line of a last request of its own, after which every earlier line has been written.
const server = await startServer(t, { env: { LOG_LEVEL: 'trace' } })

async function send(path: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${server.port}${path}`, { headers })
}

async function linesSoFar() {
  const marker = `marker-${randomUUID()}`
  await send('/', { 'x-request-id': marker })
  await logged(server, (log) => log.reqId === marker)
  return server.logs
}

t.test('logs one JSON line per request, with method, url, status, response time and id', async (t) => {
  const id = `abc-123-${randomUUID()}`
  const res = await send('/?page=2', { 'x-request-id': id })
  t.equal(res.headers.get('x-request-id'), id, 'the id is echoed')
  const lines = (await linesSoFar()).filter((log) => log.reqId === id)
  t.equal(lines.length, 1, 'one line, not two')
  t.match(lines[0], {
    level: 30,
    msg: 'request completed',
    reqId: id,
    method: 'GET',
    url: '/?page=2',
    statusCode: 200,
    responseTime: Number,
    remoteAddress: /127\.0\.0\.1$/,
  })
})

t.test('replaces a forged or oversized request id with its own', async (t) => {
  const ids: string[] = []
  for (const forged of ['a'.repeat(201), 'id with spaces', '"><script>', 'ünïcode']) {
    const res = await send('/', { 'x-request-id': forged })
    const id = res.headers.get('x-request-id') ?? ''
    t.match(id, ownId, `${JSON.stringify(forged.slice(0, 20))} is replaced`)
    ids.push(id)
  }
  const lines = await linesSoFar()
  for (const id of ids)
    t.ok(
      lines.some((log) => log.reqId === id),
      `${id} is on the request's line`,
    )
  t.notMatch(server.stdout(), /script|spaces|aaaaaaaaaa|cod/, 'the forged ids never reach the logs')
})

t.test('never logs credentials, even at trace level', async (t) => {
  const headers = { authorization: 'secret-token', cookie: 'session=secret-cookie' }
  for (const path of ['/', '/health', '/missing', '/missing?limit=x']) await send(path, headers)
  await linesSoFar()
  t.notMatch(server.stdout(), /secret/)
})

t.test('health probes do not drown the request log', async (t) => {
  for (let i = 0; i < 3; i++) t.equal((await send('/health')).status, 200)
  const urls = (await linesSoFar()).map((log) => log.url)
  t.notOk(urls.includes('/health'))
})

t.test('the server stops cleanly, every line written', async (t) => {
  t.equal(await stop(server), 0)
  t.notMatch(server.stdout(), /secret/)
})
