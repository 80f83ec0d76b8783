import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import t from 'tap'
import { RequestLog } from '../src/request-log.js'
import { build, captureLogs } from './helper.js'

// One line per request that reaches the server, parsed or not, with nothing secret in it, at every
// level: the app logs at trace here, its most verbose.
const { logger, lines } = captureLogs()
const app = await build(t, { logger, env: { LOG_LEVEL: 'trace' } })
app.get('/search', async () => ({ found: 0 }))
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
const secrets = ['Bearer hunter2', 'Basic aHVudGVyMjpodW50ZXIy', 'sid=hunter2-cookie']

/** The lines logged while `send` ran, found by the request id it used, or all the new ones. */
async function linesOf(send: () => Promise<unknown>) {
  const before = lines.length
  await send()
  await sleep(50) // the line is logged once the answer is written
  return lines.slice(before)
}

function exchange(request: string) {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.end(request)
  socket.resume()
  return new Promise((resolve) => socket.on('close', resolve))
}

t.test('a 404 is logged once', async (t) => {
  const logged = await linesOf(() => fetch(`http://127.0.0.1:${port}/no/such/route`))
  t.match(logged, [{ msg: 'request completed', statusCode: 404, url: '/no/such/route' }])
  t.equal(logged.length, 1)
})

t.test('a request the HTTP parser rejects is logged once, without its bytes', async (t) => {
  const cases = [
    { name: 'a bad header', status: 400, extra: 'X-Bad: a\x01b\r\n' },
    { name: 'headers too large', status: 431, extra: `X-Big: ${'a'.repeat(20_000)}\r\n` },
  ]
  for (const { name, status, extra } of cases) {
    const headers = `Authorization: ${secrets[0]}\r\nProxy-Authorization: ${secrets[1]}\r\nCookie: ${secrets[2]}\r\n`
    const logged = await linesOf(() => exchange(`GET /search HTTP/1.1\r\nHost: x\r\n${headers}${extra}\r\n`))
    t.match(
      logged,
      [{ level: 30, msg: 'request rejected', statusCode: status, remoteAddress: '127.0.0.1' }],
      name,
    )
    t.equal(logged.length, 1, `${name}: one line`)
  }
  const everything = JSON.stringify(lines)
  for (const secret of secrets) {
    t.notOk(everything.includes(secret.split(' ').at(-1) as string), 'no credential as text')
    t.notOk(everything.includes([...Buffer.from(secret)].join(',')), 'no credential as bytes')
  }
  t.ok(Math.max(...lines.map((line) => JSON.stringify(line).length)) < 4096, 'no line over 4 KiB')
})

t.test('a connection reset halfway through its request is not a request', async (t) => {
  const logged = await linesOf(async () => {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write('GET /search HTTP/1.1\r\nHost: x\r\nX-Half: ')
    await sleep(50)
    socket.resetAndDestroy()
  })
  t.same(logged, [])
})

t.test('query parameters whose names say secret are redacted, the others kept', async (t) => {
  const query = 'q=fastify&token=t1&api_key=k1&password=p1&client_secret=s1&signature=g1&code=c1&page=2'
  const logged = await linesOf(() => fetch(`http://127.0.0.1:${port}/search?${query}`))
  t.match(logged, [
    {
      url: '/search?q=fastify&token=[redacted]&api_key=[redacted]&password=[redacted]&client_secret=[redacted]&signature=[redacted]&code=[redacted]&page=2',
    },
  ])
})

t.test('a very long URL is logged cut short', async (t) => {
  const url = `/search?q=${'a'.repeat(10_000)}`
  const logged = await linesOf(() => fetch(`http://127.0.0.1:${port}${url}`))
  t.equal(logged[0]?.url, `${url.slice(0, 2048)}…`)
})

t.test("a route outside the app's error handler logs its errors as the handler does", async (t) => {
  const { logger, lines } = captureLogs()
  const bare = Fastify({ loggerInstance: logger, logController: new RequestLog() })
  bare.get('/refused', async () => {
    throw Object.assign(new Error('what the client got wrong'), { statusCode: 422 })
  })
  bare.get('/broken', async () => {
    throw new Error('a bug')
  })
  t.teardown(() => bare.close())
  t.equal((await bare.inject('/refused')).statusCode, 422)
  t.match(lines, [{ msg: 'request completed', statusCode: 422 }], 'a client error: the request line')
  t.equal(lines.length, 1, 'and no other')
  t.equal((await bare.inject('/broken')).statusCode, 500)
  t.match(lines.slice(1), [
    { level: 50, msg: 'request failed', err: { message: 'a bug', stack: /Error: a bug/ } },
    { msg: 'request completed', statusCode: 500 },
  ])
})
