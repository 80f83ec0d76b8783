import Fastify from 'fastify'
import health from '../routes/health.js'
import { stdoutLogger } from '../src/logger.js'
import { RequestLog } from '../src/request-log.js'

// Bare Fastify, logging off, serving GET / as the template's root route answers a JSON client, the
// app's /health, and, like every program the benchmark runs, bench/routes.ts; nothing else of the
// starter: no config, logger, request ids, security headers, error handler or drain. What the
// starter costs is measured against it. With --request-log it logs each request as the app does,
// and nothing more: what logging alone costs, apart from the rest of the starter. With --logger it
// logs as Fastify does by default (`logger: true`: two lines a request, as the CLI template does).

const Welcome = {
  type: 'object',
  properties: { hello: { type: 'string' } },
  required: ['hello'],
  additionalProperties: false,
} as const

const app = Fastify(
  process.argv.includes('--request-log')
    ? { loggerInstance: stdoutLogger().logger, logController: new RequestLog() }
    : { logger: process.argv.includes('--logger') },
)
app.get('/', { schema: { response: { 200: Welcome } } }, async () => ({ hello: 'world' }))
await app.register(health)

process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
await app.listen({ port: Number(process.env.PORT), host: '::' })
