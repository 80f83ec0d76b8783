import Fastify from 'fastify'
import health from '../routes/health.js'
import { stdoutLogger } from '../src/logger.js'
import { RequestLog } from '../src/request-log.js'

// Bare Fastify, logging off, serving GET / as the template's root route answers a JSON client, the
// app's /health, and, like every program the benchmark runs, bench/routes.ts; nothing else of the
// starter: no config, logger, request ids, security headers, error handler or drain. What the
// starter costs is measured against it. With --request-log it logs each request as the app does,
// and nothing more: what logging alone costs, apart from the rest of the starter.

const Welcome = {
  type: 'object',
  properties: { hello: { type: 'string' } },
  required: ['hello'],
  additionalProperties: false,
} as const

const requestLog = process.argv.includes('--request-log')
const app = Fastify(
  requestLog ? { loggerInstance: stdoutLogger().logger, logController: new RequestLog() } : {},
)
app.get('/', { schema: { response: { 200: Welcome } } }, async () => ({ hello: 'world' }))
await app.register(health)

process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
await app.listen({ port: Number(process.env.PORT), host: '::' })
