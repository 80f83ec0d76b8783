import { subscribe } from 'node:diagnostics_channel'
import type { FastifyInstance } from 'fastify'

// Preloaded into every program the benchmark and the load scripts run (`node --import`), so that
// each serves the same routes whatever routes the app has:
// - POST /bench/echo: a JSON body validated by its schema and echoed back, serialised by a response
//   schema, as a real resource's create route does;
// - GET /bench/large: an answer of about 90 KB, as large as a list route of the example could make.
const Echo = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, done: { type: 'boolean' } },
  required: ['title'],
  additionalProperties: false,
} as const
const large = { items: Array.from({ length: 100 }, (_, i) => ({ id: i, title: '😀'.repeat(200) })) }

subscribe('fastify.initialization', (message) => {
  const app = (message as { fastify: FastifyInstance }).fastify
  app.post('/bench/echo', { schema: { body: Echo, response: { 201: Echo } } }, async (request, reply) =>
    reply.code(201).send(request.body),
  )
  app.get('/bench/large', async () => large)
})
