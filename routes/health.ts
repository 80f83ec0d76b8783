import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'

const HealthSchema = {
  type: 'object',
  properties: { status: { const: 'ok' } },
  required: ['status'],
  additionalProperties: false,
} as const

// Liveness: the process is up. Platforms and load balancers probe it every few seconds: it answers
// from memory, whatever the load. `logLevel: 'warn'` sets this route's logger to warn, so that its
// request line, written at info, is left out and the probes do not drown the request log; a warning
// or an error on it is still logged.
const health: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  app.get('/health', { logLevel: 'warn', schema: { response: { 200: HealthSchema } } }, async () => ({
    status: 'ok' as const,
  }))
}

export default health
