import { performance } from 'node:perf_hooks'
import createError from '@fastify/error'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

export const RequestTimeoutError = createError('APP_REQUEST_TIMEOUT', 'No answer within %s ms', 503)

// REQUEST_TIMEOUT: a request still unanswered then is answered 503, before the router gives up on it
// (Heroku's does at 30 s). One timer checks every request in flight, at a fraction of the cost of
// Fastify's handlerTimeout, which arms a timer and an AbortController for each request.
export default fp(
  async function requestTimeout(app) {
    const timeout = app.config.REQUEST_TIMEOUT
    const started = new Map<FastifyReply, number>()

    app.addHook('onRequest', (_request, reply, done) => {
      started.set(reply, performance.now())
      reply.raw.once('close', () => started.delete(reply))
      done()
    })

    const sweep = setInterval(
      () => {
        const startedBefore = performance.now() - timeout
        for (const [reply, at] of started) if (at <= startedBefore) answerTimedOut(reply, timeout)
      },
      Math.min(1000, Math.ceil(timeout / 4)),
    )
    app.addHook('onClose', async () => clearInterval(sweep))
  },
  { name: 'requestTimeout', dependencies: ['config'] },
)

// Through the error handler, like any error. A response already streaming cannot become a 503: it
// is cut short, which its client sees.
function answerTimedOut(reply: FastifyReply, timeout: number) {
  if (reply.sent) return
  if (reply.raw.headersSent) reply.raw.destroy()
  else reply.send(new RequestTimeoutError(timeout))
}
