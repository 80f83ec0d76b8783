import { Server } from 'node:net'
import { performance } from 'node:perf_hooks'
import fp from 'fastify-plugin'
import type { Connection } from './connections.js'

// How long a connection must have been idle before the drain closes it. A client that has just been
// answered may be sending its next request on that connection right now: closing it would reset that
// request. Past this grace the connection is not in active use; one that has sent no complete
// request in that time (idle since it was accepted, or halfway through its headers) is closed too.
const IDLE_GRACE_MS = 1000

declare module 'fastify' {
  interface FastifyInstance {
    drain: {
      /** What still holds the drain: `METHOD url` of each request in flight, and the connections. */
      openWork(): { openRequests: string[]; openConnections: number }
    }
  }
}

// Lets app.close() finish every request in flight without resetting a connection. Node's own
// http.Server close() destroys every idle keep-alive connection at once, racing clients that are
// sending their next request on it, and Fastify answers requests that arrive while closing with 503
// unless the app is built with `return503OnClosing: false`, which this plugin needs (test/plugins/
// drain.test.ts fails without either). Instead: stop accepting connections, answer every request
// still to come with `Connection: close`, close each connection once idle past the grace, and wait
// for all of them to be gone.
export default fp(
  async function drain(app) {
    let draining = false
    app.readiness.add('draining', () => draining)

    app.decorate('drain', {
      openWork: () => ({
        openRequests: [...app.connections.values()].flatMap(({ requests }) =>
          [...requests].map(({ request }) => `${request.method} ${request.url}`),
        ),
        openConnections: app.connections.size,
      }),
    })

    app.addHook('preClose', async () => {
      if (!app.server.listening) return
      draining = true
      // net.Server's close, not http.Server's: it stops accepting connections and leaves the open
      // ones to the drain, where http.Server's would destroy the idle ones at once.
      Server.prototype.close.call(app.server)
      app.log.info(
        { openConnections: app.connections.size },
        'Stopped accepting connections; draining the open ones',
      )
      for (const connection of app.connections.values()) {
        connection.closing = true
        for (const reply of connection.requests) if (!reply.sent) reply.header('connection', 'close')
      }
      await closeEachWhenIdle(app.connections)
    })
  },
  { name: 'drain', dependencies: ['connections', 'readiness'] },
)

// Looks at the connections every tenth of the grace, until none is left.
async function closeEachWhenIdle(connections: Map<unknown, Connection>) {
  while (connections.size > 0) {
    const idleBefore = performance.now() - IDLE_GRACE_MS
    for (const { socket, requests, idleSince } of connections.values())
      if (requests.size === 0 && idleSince <= idleBefore) socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, IDLE_GRACE_MS / 10))
  }
}
