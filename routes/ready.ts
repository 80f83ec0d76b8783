import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'

const ReadinessSchema = {
  type: 'object',
  properties: {
    status: { enum: ['ready', 'not ready'] },
    reasons: { type: 'array', items: { type: 'string' } },
  },
  required: ['status', 'reasons'],
  additionalProperties: false,
} as const

// Readiness, for a platform's or a load balancer's health check: whether to send this process
// requests now. 503 from the moment a drain begins, and while the app cannot serve (overloaded, a
// backing service down), with the reasons; 200 otherwise. /health says only that the process is up.
// `logLevel: 'warn'`, as /health: the probes' request lines (written at info) are left out.
const ready: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  app.get(
    '/ready',
    { logLevel: 'warn', schema: { response: { 200: ReadinessSchema, 503: ReadinessSchema } } },
    async (_request, reply) => {
      const reasons = await app.readiness.reasons()
      if (reasons.length > 0) return reply.code(503).send({ status: 'not ready', reasons })
      return { status: 'ready' as const, reasons }
    },
  )
}

export default ready
