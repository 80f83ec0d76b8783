import { once } from 'node:events'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { build, captureLogs } from '../helper.js'

// HTTP/1.1 pipelining: a client may send requests ahead of reading the answers, and a well-behaved
// one sends a few. A client that sends many and reads none would make the server hold all the
// answers it cannot write.

const { logger, lines } = captureLogs()
const app = await build(t, { logger })
app.get('/large', async () => ({ padding: 'x'.repeat(64 * 1024) }))
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
const request = 'GET /large HTTP/1.1\r\nHost: x\r\n\r\n'

t.test('a few pipelined requests are all answered, in order', async (t) => {
  const socket = connect(port, '127.0.0.1')
  socket.write(request.repeat(9) + request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'))
  let received = ''
  socket.setEncoding('latin1').on('data', (data: string) => {
    received += data
  })
  await once(socket, 'close')
  t.equal(received.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 10)
})

t.test('a connection that pipelines many requests and reads no answer is closed', async (t) => {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.pause() // reads nothing until the server has given up on it
  socket.write(request.repeat(2000))
  while (app.connections.size > 0) await sleep(10)
  let received = ''
  socket.setEncoding('latin1').on('data', (data: string) => {
    received += data
  })
  socket.resume()
  await once(socket, 'close')
  t.ok((received.match(/HTTP\/1\.1 200 OK\r\n/g)?.length ?? 0) <= 16, 'at most 16 of the 2,000 answered')
  t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200, 'everyone else is answered')
  t.match(
    lines.filter((line) => line.level === 40),
    [{ msg: 'Closing a connection whose client sends requests without reading the answers', unanswered: 16 }],
    'one warning, for the connection',
  )
})
