import Fastify from 'fastify'
import health from '../routes/health.js'
import root from '../routes/root.js'
import todos from '../routes/todos.js'

// Bare Fastify, logging off, serving the app's own routes and nothing else of the starter: no
// config, logger, request ids, error handler or drain. What the starter costs is measured against it.

const app = Fastify()
await app.register(root)
await app.register(health)
await app.register(todos)

process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
await app.listen({ port: Number(process.env.PORT), host: '::' })
