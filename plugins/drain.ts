import { Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

// How long a keep-alive connection must have been idle before the drain closes it. A client that
// has just been answered may be sending its next request on that connection right now: closing it
// would reset that request. Past this grace the connection is not in active use.
const IDLE_GRACE_MS = 1000

interface Connection {
  socket: Socket
  /** The requests in flight on the connection. */
  requests: Set<FastifyReply>
  idleSince: number
}

declare module 'fastify' {
  interface FastifyInstance {
    drain: {
      /** `METHOD url` of every request not yet answered. */
      openRequests(): string[]
    }
  }
}

// Lets app.close() finish every request in flight without resetting a connection. Node's own
// http.Server close() destroys every idle keep-alive connection at once, racing clients that are
// sending their next request on it, and Fastify answers requests that arrive while closing with 503
// unless the app is built with `return503OnClosing: false`, which this plugin needs (test/plugins/
// drain.test.ts fails without either). Instead:
// stop accepting connections, answer every request still to come on an open connection with
// `Connection: close`, close connections only once idle past a grace, and wait for all to be gone.
export default fp(
  async function drain(app) {
    const connections = new Map<Socket, Connection>()
    let draining = false
    let drained: (() => void) | undefined

    app.addHook('onRequest', (request, reply, done) => {
      const connection = track(request.raw.socket)
      connection.requests.add(reply)
      if (draining) reply.header('connection', 'close')
      reply.raw.once('close', () => {
        connection.requests.delete(reply)
        connection.idleSince = performance.now()
        if (draining) closeWhenIdle(connection)
      })
      done()
    })

    app.decorate('drain', {
      openRequests: () =>
        [...connections.values()].flatMap(({ requests }) =>
          [...requests].map(({ request }) => `${request.method} ${request.url}`),
        ),
    })

    app.addHook('preClose', async () => {
      if (!app.server.listening) return
      draining = true
      // net.Server's close, not http.Server's: it stops accepting connections and leaves the open
      // ones to the drain, where http.Server's would destroy the idle ones at once.
      Server.prototype.close.call(app.server)
      app.log.info(
        { openConnections: connections.size },
        'Stopped accepting connections; draining the open ones',
      )
      const allClosed = new Promise<void>((resolve) => {
        drained = resolve
      })
      for (const connection of connections.values()) {
        for (const reply of connection.requests) if (!reply.sent) reply.header('connection', 'close')
        closeWhenIdle(connection)
      }
      if (connections.size > 0) await allClosed
    })

    function track(socket: Socket): Connection {
      let connection = connections.get(socket)
      if (connection === undefined) {
        connection = { socket, requests: new Set(), idleSince: performance.now() }
        connections.set(socket, connection)
        socket.once('close', () => {
          connections.delete(socket)
          if (connections.size === 0) drained?.()
        })
      }
      return connection
    }
  },
  { name: 'drain' },
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
