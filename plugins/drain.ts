import type { ServerResponse } from 'node:http'
import { Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import fp from 'fastify-plugin'

// How long a keep-alive connection must have been idle before the drain closes it. A client that
// has just been answered may be sending its next request on that connection right now: closing it
// would reset that request. Past this grace the connection is not in active use.
const IDLE_GRACE_MS = 1000

interface Connection {
  socket: Socket
  inFlight: Set<ServerResponse>
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

// Makes app.close() graceful for the clients of a listening server. Node's own server.close(),
// which Fastify calls, destroys every idle keep-alive connection at once, racing clients that are
// sending their next request on them. Instead, before Fastify closes the server: stop accepting
// connections, answer every request still to come on an open connection with `Connection: close`,
// close connections only once idle past a grace, and wait for all of them to be gone.
export default fp(
  async function drain(app) {
    const connections = new Map<Socket, Connection>()
    let draining = false
    let drained: (() => void) | undefined

    app.server.prependListener('request', (req, res) => {
      const connection = track(req.socket)
      connection.inFlight.add(res)
      if (draining) res.setHeader('connection', 'close')
      res.once('close', () => {
        connection.inFlight.delete(res)
        connection.idleSince = performance.now()
        if (draining) closeWhenIdle(connection)
      })
    })

    app.decorate('drain', {
      openRequests: () =>
        [...connections.values()].flatMap((c) =>
          [...c.inFlight].map((res) => `${res.req.method} ${res.req.url}`),
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
        for (const res of connection.inFlight) if (!res.headersSent) res.setHeader('connection', 'close')
        closeWhenIdle(connection)
      }
      if (connections.size > 0) await allClosed
    })

    function track(socket: Socket): Connection {
      let connection = connections.get(socket)
      if (connection === undefined) {
        connection = { socket, inFlight: new Set(), idleSince: performance.now() }
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

function closeWhenIdle({ socket, inFlight, idleSince }: Connection) {
  if (inFlight.size > 0) return
  const idleFor = performance.now() - idleSince
  setTimeout(
    () => {
      if (inFlight.size === 0) socket.destroy()
    },
    Math.max(0, IDLE_GRACE_MS - idleFor),
  )
}
