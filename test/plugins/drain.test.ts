import { once } from 'node:events'
import { connect } from 'node:net'
import { setImmediate as nextTurn } from 'node:timers/promises'
import t from 'tap'
import { build } from '../helper.js'

// The drain needs two things of the app that a tidy-up could take away: Fastify built with
// `return503OnClosing: false` (or it answers 503 here), and the listener closed with net.Server's
// close rather than http.Server's (which destroys this idle connection at once).
t.test(
  'a request sent on an idle keep-alive connection as the drain begins is answered, then closed',
  async (t) => {
    const app = await build(t)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const socket = connect((app.server.address() as { port: number }).port, '127.0.0.1')
    t.teardown(() => socket.destroy())
    let received = ''
    socket.setEncoding('latin1').on('data', (data: string) => {
      received += data
    })
    const request = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n'
    socket.write(request)
    while (!received.endsWith('{"status":"ok"}')) await once(socket, 'data')
    received = ''

    const closing = app.close()
    while (app.server.listening) await nextTurn()
    socket.write(request)
    await once(socket, 'close')
    t.match(received, /^HTTP\/1\.1 200 OK\r\n/, 'answered, not 503 and not reset')
    t.match(received, /\r\nconnection: close\r\n/i, 'and told the connection closes')
    await closing
  },
)
