import createError from '@fastify/error'
import fastifyUnderPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export const OverloadedError = createError('APP_OVERLOADED', 'The server is overloaded: retry later', 503)

// The probes answer whatever the load: a liveness probe that failed under load would get a busy
// process restarted, and /ready says why the app is not ready.
const probes = new Set(['/health', '/ready'])
const RETRY_AFTER_SECONDS = 10

// Load shedding: while the event loop lags or memory runs high past the OVERLOAD_* settings, a new
// request is answered 503 with Retry-After at once, rather than queued behind the ones the process
// cannot serve in time; /ready says the app is overloaded. Sampled every second.
export default fp(
  async function underPressure(app) {
    const megabytes = 1024 * 1024
    await app.register(fastifyUnderPressure, {
      maxEventLoopDelay: app.config.OVERLOAD_EVENT_LOOP_DELAY,
      maxHeapUsedBytes: app.config.OVERLOAD_HEAP_USED * megabytes,
      maxRssBytes: app.config.OVERLOAD_RSS * megabytes,
      // under-pressure sends what its handler returns, and goes on with the request when that is
      // nothing; its types say the handler returns nothing.
      pressureHandler: shed as unknown as FastifyUnderPressureOptions['pressureHandler'],
    })
    app.readiness.add('overloaded', () => app.isUnderPressure())
  },
  { name: 'underPressure', dependencies: ['config', 'readiness'] },
)

function shed(request: FastifyRequest, reply: FastifyReply) {
  if (probes.has(String(request.routeOptions.url))) return undefined
  reply.header('retry-after', RETRY_AFTER_SECONDS)
  return new OverloadedError()
}
