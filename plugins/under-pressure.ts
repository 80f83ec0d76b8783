import createError from '@fastify/error'
import fastifyUnderPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'

export const OverloadedError = createError('APP_OVERLOADED', 'The server is overloaded: retry later', 503)

// The probes answer whatever the load: a liveness probe that failed under load would get a busy
// process restarted, and /ready says why the app is not ready.
const probes = new Set(['/health', '/ready'])
const RETRY_AFTER_SECONDS = 10

// Load shedding: while the event loop lags or memory runs high past the OVERLOAD_* settings, a new
// request is answered 503 with Retry-After at once, rather than queued behind the ones the process
// cannot serve in time; /ready says the app is overloaded. @fastify/under-pressure samples every
// second. Its own hook would build request.routeOptions, an object of a dozen fields, on every
// request, to look for a per-route handler the app does not use: registered in a context of its
// own, where no route is, its hook runs for no request, and this one asks it.
export default fp(
  async function underPressure(app) {
    const megabytes = 1024 * 1024
    let isUnderPressure!: () => boolean
    await app.register(async function sampler(context) {
      await context.register(fastifyUnderPressure, {
        maxEventLoopDelay: app.config.OVERLOAD_EVENT_LOOP_DELAY,
        maxHeapUsedBytes: app.config.OVERLOAD_HEAP_USED * megabytes,
        maxRssBytes: app.config.OVERLOAD_RSS * megabytes,
      })
      isUnderPressure = context.isUnderPressure
    })
    app.readiness.add('overloaded', isUnderPressure)

    app.addHook('onRequest', (request, reply, done) => {
      if (!isUnderPressure() || probes.has(String(request.routeOptions.url))) return done()
      reply.header('retry-after', RETRY_AFTER_SECONDS)
      done(new OverloadedError())
    })
  },
  { name: 'underPressure', dependencies: ['config', 'readiness'] },
)
