import createError from '@fastify/error'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

export const RequestTimeoutError = createError('APP_REQUEST_TIMEOUT', 'No answer within %s ms', 503)

// REQUEST_TIMEOUT bounds a request, from its first byte to its answer, before the router gives up on
// it (Heroku's does at 30 s). Node closes a connection whose request has not fully arrived by then
// (headers, or a body trickled in slowly) with 408. A request whose answer is not ready by then is
// answered 503, and its connection closed, so that nothing more is read from it. One timer checks
// every request in flight, at a fraction of the cost of Fastify's handlerTimeout, which arms a timer
// and an AbortController for each request.
export default fp(
  async function requestTimeout(app) {
    const timeout = app.config.REQUEST_TIMEOUT
    app.server.requestTimeout = timeout
    app.server.headersTimeout = timeout

    const sweep = setInterval(
      () => {
        for (const { requests } of app.connections.values())
          for (const reply of requests) if (reply.elapsedTime >= timeout) answerTimedOut(reply, timeout)
      },
      Math.min(1000, Math.ceil(timeout / 4)),
    )
    app.addHook('onClose', async () => clearInterval(sweep))
  },
  { name: 'requestTimeout', dependencies: ['config', 'connections'] },
)

// Through the error handler, like any error. A response already streaming cannot become a 503: it
// is cut short, which its client sees. Once the 503 is written, the reply is Fastify's no more: a
// handler that returns later is not blamed for answering twice.
function answerTimedOut(reply: FastifyReply, timeout: number) {
  if (reply.sent) return
  if (reply.raw.headersSent) {
    reply.raw.destroy()
    return
  }
  reply.raw.once('finish', () => reply.hijack())
  reply.header('connection', 'close').send(new RequestTimeoutError(timeout))
}
