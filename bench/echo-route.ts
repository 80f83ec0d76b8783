import { subscribe } from 'node:diagnostics_channel'
import type { FastifyInstance } from 'fastify'

// Preloaded into every program the benchmark runs (`node --import`), so that each serves the same
// POST route whatever routes the app has: a JSON body validated by its schema and echoed back,
// serialised by a response schema, as a real resource's create route does.
const Echo = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, done: { type: 'boolean' } },
  required: ['title'],
  additionalProperties: false,
} as const

subscribe('fastify.initialization', (message) => {
  const app = (message as { fastify: FastifyInstance }).fastify
  app.post('/bench/echo', { schema: { body: Echo, response: { 201: Echo } } }, async (request, reply) =>
    reply.code(201).send(request.body),
  )
})
