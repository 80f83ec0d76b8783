import { once } from 'node:events'
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import t from 'tap'
import { build } from '../helper.js'

t.test('a request unanswered after REQUEST_TIMEOUT is answered 503, through the error handler', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT: '50' } })
  app.get('/never', () => new Promise(() => {}))
  const res = await app.inject({ method: 'GET', url: '/never' })
  t.equal(res.statusCode, 503)
  t.same(res.json(), { statusCode: 503, error: 'Service Unavailable', message: 'Service Unavailable' })
})

t.test('a response already streaming when the timeout passes is cut short', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT: '50' } })
  app.get('/endless', async (_request, reply) => {
    const stream = new Readable({ read() {} })
    stream.push('the first part')
    return reply.type('text/plain').send(stream)
  })
  const port = await listen(app)
  const res = await fetch(`http://127.0.0.1:${port}/endless`)
  t.equal(res.status, 200)
  await t.rejects(res.text(), 'the connection is destroyed')
})

t.test('a slow client still reading a long answer is not cut by the timeout', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT: '50' } })
  const body = 'x'.repeat(8 * 1024 * 1024)
  app.get('/large', async () => body)
  const port = await listen(app)
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  await once(socket, 'connect')
  socket.pause()
  socket.write('GET /large HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await new Promise((resolve) => setTimeout(resolve, 300))
  let received = 0
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length
  })
  socket.resume()
  await once(socket, 'end')
  t.ok(received > body.length, `received all ${received} bytes`)
})

async function listen(app: Awaited<ReturnType<typeof build>>) {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as { port: number }).port
}
