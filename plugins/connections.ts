import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

/** An open connection and the requests in flight on it. */
export interface Connection {
  socket: Socket
  requests: Set<FastifyReply>
  /** When its last request was answered, or when it was accepted. */
  idleSince: number
  /** Once the drain begins: every answer on it says `Connection: close`. */
  closing: boolean
}

// Requests a client may send ahead on one connection before reading an answer (HTTP/1.1 pipelining).
// Node parses every request of a chunk before it pauses reading, and holds each answer until the
// ones before it are written: a client that sends many and reads none would make the server hold
// all their answers. Past this many, its connection is closed.
const MAX_PIPELINED = 16

declare module 'fastify' {
  interface FastifyInstance {
    /** Every open connection, from the moment it is accepted until it closes. */
    connections: Map<Socket, Connection>
  }
}

// Knows every connection and every request in flight on it, for the request timeout and the drain.
// A connection's requests go with it when it closes, answered or not: Node emits no event for an
// answer still queued behind another when its connection closes.
export default fp(
  async function connections(app) {
    const open = new Map<Socket, Connection>()
    app.decorate('connections', open)

    app.server.on('connection', (socket: Socket) => {
      open.set(socket, { socket, requests: new Set(), idleSince: performance.now(), closing: false })
      socket.once('close', () => open.delete(socket))
    })

    app.addHook('onRequest', (request, reply, done) => {
      const { socket } = request.raw
      // The rest of a burst of requests sent on a connection closed here is left unanswered: no
      // answer could reach its client. A request through inject() has no connection.
      if (socket.destroyed) return
      const connection = open.get(socket)
      if (connection === undefined) return done()
      if (connection.requests.size >= MAX_PIPELINED) {
        reply.log.warn(
          { remoteAddress: request.ip, unanswered: connection.requests.size },
          'Closing a connection whose client sends requests without reading the answers',
        )
        return connection.socket.destroy()
      }
      if (connection.closing) reply.header('connection', 'close')
      connection.requests.add(reply)
      const response = reply.raw as Answer
      response[answering] = { connection, reply }
      response.on('close', answered)
      done()
    })
  },
  { name: 'connections' },
)

// One listener for every answer, rather than a closure made for each.
const answering = Symbol('answering')
type Answer = ServerResponse & { [answering]: { connection: Connection; reply: FastifyReply } }

function answered(this: Answer) {
  const { connection, reply } = this[answering]
  connection.requests.delete(reply)
  connection.idleSince = performance.now()
}
