import t from 'tap'
import { build, captureLogs } from './helper.js'

// Handlers with bugs, over a real socket: each is answered as it should be, logged with its request
// id, and the server goes on answering everyone else.

const { logger, lines } = captureLogs()
const app = await build(t, { logger, env: { REQUEST_TIMEOUT: '300', DATABASE_STATEMENT_TIMEOUT: '200' } })
app.get('/throws', () => {
  throw new Error('bug: thrown with internal detail /srv/secret')
})
app.get('/rejects', async () => {
  await Promise.resolve()
  throw new TypeError('bug: rejected with internal detail /srv/secret')
})
app.get('/never-answers', () => new Promise(() => {}))
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }

// A bug is logged with its stack; a timeout, which the app declares, has its request's line alone.
const cases = [
  { path: '/throws', status: 500, error: 'Internal Server Error', bug: true },
  { path: '/rejects', status: 500, error: 'Internal Server Error', bug: true },
  { path: '/never-answers', status: 503, error: 'Service Unavailable', bug: false },
]

for (const { path, status, error, bug } of cases) {
  t.test(`${path} is answered ${status} with no detail, and the server stays up`, async (t) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { 'x-request-id': `fault${path}` },
    })
    t.equal(res.status, status)
    t.same(await res.json(), { statusCode: status, error, message: error })
    const logged = lines.filter((line) => line.reqId === `fault${path}`)
    if (bug)
      t.match(logged, [{ level: 50, msg: 'request failed', err: { stack: /at / } }, { statusCode: status }])
    else t.match(logged, [{ level: 30, msg: 'request completed', statusCode: status }])
    t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
  })
}

t.test('all of them at once, with ordinary requests in between', async (t) => {
  const paths = [...cases.map(({ path }) => path), '/', '/health', ...cases.map(({ path }) => path), '/']
  const statuses = await Promise.all(
    paths.map(async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).status),
  )
  t.same(statuses, [500, 500, 503, 200, 200, 500, 500, 503, 200])
})
