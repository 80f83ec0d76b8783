import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { build, captureLogs } from '../helper.js'

const { logger, lines } = captureLogs()
const large = 'x'.repeat(8 * 1024 * 1024)

async function listening(t: Test) {
  const app = await build(t, { logger, env: { REQUEST_TIMEOUT: '200', DATABASE_STATEMENT_TIMEOUT: '100' } })
  app.get('/never', () => new Promise(() => {}))
  app.get('/late', async () => {
    await sleep(600)
    return { late: true }
  })
  app.post('/body', async (request) => request.body)
  app.get('/endless', async (_request, reply) => {
    const stream = new Readable({ read() {} })
    stream.push('the first part')
    return reply.type('text/plain').send(stream)
  })
  app.get('/large', async () => large)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as { port: number }).port }
}

t.test('a request unanswered after REQUEST_TIMEOUT is answered 503 and its connection closed', async (t) => {
  const { port } = await listening(t)
  const answer = await exchange(port, 'GET /never HTTP/1.1\r\nHost: x\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n/)
  t.match(answer, /\r\nconnection: close\r\n/i)
  t.match(
    answer,
    /\r\n\r\n\{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable"\}$/,
  )
})

t.test('a body trickled in past REQUEST_TIMEOUT gets its 503, and nothing more is read', async (t) => {
  const { port } = await listening(t)
  const socket = connect(port, '127.0.0.1')
  const answer = everything(socket)
  socket.write(
    'POST /body HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
  )
  let sent = 0
  while (!socket.destroyed && sent < 100) {
    socket.write(' ')
    sent++
    await sleep(20)
  }
  t.match(await answer, /^HTTP\/1\.1 503 /)
  t.ok(sent < 100, `the connection closed after ${sent} of 100 bytes`)
})

t.test('headers trickled in past REQUEST_TIMEOUT get 408, and the connection closed', async (t) => {
  const { port } = await listening(t)
  const socket = connect(port, '127.0.0.1')
  const answer = everything(socket)
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
  while (!socket.destroyed) {
    socket.write('X-Slow: y\r\n')
    await sleep(50)
  }
  t.match(await answer, /^HTTP\/1\.1 408 Request Timeout\r\n/)
})

t.test('a handler that answers after its 503 is not blamed for answering twice', async (t) => {
  const { port } = await listening(t)
  t.match(await exchange(port, 'GET /late HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 503 /)
  await sleep(800)
  t.same(
    lines.filter((line) => (line.level as number) >= 40 && line.msg !== 'request failed'),
    [],
    'no warning',
  )
})

t.test('a response already streaming when the timeout passes is cut short', async (t) => {
  const { port } = await listening(t)
  const res = await fetch(`http://127.0.0.1:${port}/endless`)
  t.equal(res.status, 200)
  await t.rejects(res.text(), 'the connection is destroyed')
})

t.test('a slow client still reading a long answer is not cut by the timeout', async (t) => {
  const { port } = await listening(t)
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  await once(socket, 'connect')
  socket.pause()
  socket.write('GET /large HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await sleep(500)
  let received = 0
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length
  })
  socket.resume()
  await once(socket, 'end')
  t.ok(received > large.length, `received all ${received} bytes`)
})

function exchange(port: number, request: string) {
  const socket = connect(port, '127.0.0.1')
  socket.write(request)
  return everything(socket)
}

function everything(socket: Socket) {
  let received = ''
  socket.setEncoding('latin1').on('data', (data: string) => {
    received += data
  })
  socket.on('error', () => {})
  return new Promise<string>((resolve) => socket.on('close', () => resolve(received)))
}
