import Fastify from 'fastify'
import health from '../routes/health.js'
import root from '../routes/root.js'
import { stdoutLogger } from '../src/logger.js'
import { RequestLog } from '../src/request-log.js'

// Bare Fastify, logging off, serving the app's own / and /health (and, like every program the
// benchmark runs, bench/routes.ts) and nothing else of the starter: no config, logger, request
// ids, error handler or drain. What the starter costs is measured against it.
// With --request-log it logs each request as the app does, and nothing more: what logging alone
// costs, apart from the rest of the starter.

const requestLog = process.argv.includes('--request-log')
const app = Fastify(
  requestLog ? { loggerInstance: stdoutLogger().logger, logController: new RequestLog() } : {},
)
await app.register(root)
await app.register(health)

process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
await app.listen({ port: Number(process.env.PORT), host: '::' })
