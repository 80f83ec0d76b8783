import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'

const HealthSchema = {
  type: 'object',
  properties: { status: { const: 'ok' } },
  required: ['status'],
  additionalProperties: false,
} as const

// Platforms and load balancers probe this every few seconds: it answers from memory and logs only
// warnings, so the probes do not drown the request log.
const health: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  app.get('/health', { logLevel: 'warn', schema: { response: { 200: HealthSchema } } }, async () => ({
    status: 'ok' as const,
  }))
}

export default health
