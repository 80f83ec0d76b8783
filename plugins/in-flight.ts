import { Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { RequestTimeoutError } from '../src/errors.js'

// How long a keep-alive connection must have been idle before the drain closes it. A client that
// has just been answered may be sending its next request on that connection right now: closing it
// would reset that request. Past this grace the connection is not in active use.
const IDLE_GRACE_MS = 1000

interface Connection {
  socket: Socket
  /** The requests in flight on the connection, by reply, with when each started. */
  requests: Map<FastifyReply, number>
  idleSince: number
}

declare module 'fastify' {
  interface FastifyInstance {
    inFlight: {
      /** `METHOD url` of every request not yet answered. */
      openRequests(): string[]
    }
  }
}

// Keeps track of every request in flight and of the connection it came on, for two things.
// REQUEST_TIMEOUT: a request still unanswered then is answered 503. One timer checks them all, at a
// fraction of the cost of Fastify's handlerTimeout, a timer and an AbortController for each request.
// Draining, before app.close() closes the server: Node's own server.close() destroys every idle
// keep-alive connection at once, racing clients that are sending their next request on them.
// Instead: stop accepting connections, answer every request still to come on an open connection with
// `Connection: close`, close connections only once idle past a grace, and wait for all to be gone.
export default fp(
  async function inFlight(app) {
    const connections = new Map<Socket, Connection>()
    let draining = false
    let drained: (() => void) | undefined

    app.addHook('onRequest', (request, reply, done) => {
      const connection = track(request.raw.socket)
      connection.requests.set(reply, performance.now())
      if (draining) reply.header('connection', 'close')
      reply.raw.on('close', () => {
        connection.requests.delete(reply)
        connection.idleSince = performance.now()
        if (draining) closeWhenIdle(connection)
      })
      done()
    })

    const timeout = app.config.REQUEST_TIMEOUT
    const sweep = setInterval(
      () => {
        const startedBefore = performance.now() - timeout
        for (const { requests } of connections.values()) {
          for (const [reply, started] of requests)
            if (started <= startedBefore) answerTimedOut(reply, timeout)
        }
      },
      Math.min(1000, Math.ceil(timeout / 4)),
    )
    app.addHook('onClose', async () => clearInterval(sweep))

    app.decorate('inFlight', {
      openRequests: () =>
        [...connections.values()].flatMap(({ requests }) =>
          [...requests.keys()].map(({ request }) => `${request.method} ${request.url}`),
        ),
    })

    app.addHook('preClose', async () => {
      if (!app.server.listening) return
      draining = true
      Server.prototype.close.call(app.server)
      app.log.info(
        { openConnections: connections.size },
        'Stopped accepting connections; draining the open ones',
      )
      const allClosed = new Promise<void>((resolve) => {
        drained = resolve
      })
      for (const connection of connections.values()) {
        for (const reply of connection.requests.keys()) if (!reply.sent) reply.header('connection', 'close')
        closeWhenIdle(connection)
      }
      if (connections.size > 0) await allClosed
    })

    function track(socket: Socket): Connection {
      let connection = connections.get(socket)
      if (connection === undefined) {
        connection = { socket, requests: new Map(), idleSince: performance.now() }
        connections.set(socket, connection)
        socket.once('close', () => {
          connections.delete(socket)
          if (connections.size === 0) drained?.()
        })
      }
      return connection
    }
  },
  { name: 'inFlight', dependencies: ['config'] },
)

function closeWhenIdle({ socket, requests, idleSince }: Connection) {
  if (requests.size > 0) return
  const idleFor = performance.now() - idleSince
  setTimeout(
    () => {
      if (requests.size === 0) socket.destroy()
    },
    Math.max(0, IDLE_GRACE_MS - idleFor),
  )
}

// Through the error handler, like any error. A response already streaming cannot become a 503: it
// is cut short, which its client sees.
function answerTimedOut(reply: FastifyReply, timeout: number) {
  if (reply.sent) return
  if (reply.raw.headersSent) reply.raw.destroy()
  else reply.send(new RequestTimeoutError(timeout))
}
