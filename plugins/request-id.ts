import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

// A router's request id (Heroku's is 20 to 200 of [A-Za-z0-9+/=-]) ties our log lines to its own;
// anything else a client sends is not let into the logs, and gets an id of our own instead.
const SaneRequestId = /^[\w+/=.:-]{1,200}$/

// Our own ids: 64 random bits drawn once per process, and a counter. Unique across the processes of
// a deployment and its restarts, as a UUID is, without drawing random bytes and formatting 36
// characters for every request, and shorter in every log line.
const processPrefix = randomBytes(8).toString('hex')
let counter = 0

/** Fastify's genReqId, given at construction: every log line of the request carries this id. */
export function genReqId(req: IncomingMessage): string {
  const header = req.headers['x-request-id']
  if (typeof header === 'string' && SaneRequestId.test(header)) return header
  counter++
  return `${processPrefix}-${counter.toString(36)}`
}

// Echoes the id, so a client can quote it when it reports a problem.
export default fp(
  async function requestId(app) {
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id)
      done()
    })
  },
  { name: 'requestId' },
)
